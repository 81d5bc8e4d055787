import LetterCLI
import LetterCore

// The command line lives in LetterCLI, the engine in LetterCore: this target only hands
// over the arguments and exits.
exitProgram(runLetter(Array(commandLineArguments().dropFirst())))
