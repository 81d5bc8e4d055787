// Empty on purpose: this target only replaces two runtime functions at link time
// (see CLetterArguments.c). Swift code never calls it.
#ifndef C_LETTER_ARGUMENTS_H
#define C_LETTER_ARGUMENTS_H
#endif
