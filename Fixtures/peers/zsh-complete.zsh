# zsh -f zsh-complete.zsh DIR 'letter send -e gb'
# Prints, one a line, the matches zsh's completion system offers for the command line
# in $2, with the completion functions in DIR (where _letter is). zle only runs in an
# interactive shell, so this drives one on a pseudo-terminal (zpty): compadd is wrapped
# to print each match it is given, and the tab key completes, then ends that shell.
zmodload zsh/zpty zsh/zselect || exit 3
zpty shell zsh -f -i || exit 3
zpty -w shell "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
# The markers are typed split ("MA""TCH:") so the terminal's echo of this text never matches.
zpty -w shell 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a matches; builtin compadd -A matches "$@"
  local match; for match in $matches; do print -r -- "MA""TCH:$match"; done
  builtin compadd "$@"
}'
zpty -w shell 'complete-then-exit() { zle complete-word; print "END-OF""-MATCHES"; exit }
zle -N complete-then-exit; bindkey "^I" complete-then-exit'
zpty -w shell "$2"$'\t'
# 10 s at most: read a line when there is one, else wait 10 ms.
integer tries=0
while (( tries++ < 1000 )); do
  if ! zpty -r -t shell line; then zselect -t 1; continue; fi
  [[ $line == *END-OF-MATCHES* ]] && break
  [[ $line == *MATCH:* ]] && print -r -- ${${line#*MATCH:}%%$'\r'*}
done
zpty -d shell
