import LetterCore

// Everything lives in LetterCore; this target only hands over the arguments and exits.
exitProgram(runLetter(Array(CommandLine.arguments.dropFirst())))
