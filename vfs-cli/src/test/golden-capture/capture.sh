#!/usr/bin/env bash
# Captures the golden outputs of the real xfs_io and filefrag that vfs-cli must match.
#
# Run as root on a Linux machine with xfsprogs, e2fsprogs and a C compiler:
#   bash vfs-cli/src/test/golden-capture/capture.sh
# It writes vfs-cli/src/test/resources/golden/{xfs_io,filefrag,xfs_io-summary}/ and
# rewrites the case table in golden/xfs_io/README.md between its markers.
#
# Filesystems: tmpfs (/dev/shm), ext4 (/tmp must be ext4: it supports FIEMAP), and xfs
# (a 320 MiB image loop-mounted by this script, for shared extents and XFS-only output).
# Each case starts in an empty directory; the file is named "vfsimf" (and "vfsimf2"),
# the same length as the placeholders "@FILE@" and "@FILE2@", so that replacing the
# name keeps every column width that xfs_io derives from it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
golden=$(cd "$here/../resources" && pwd)/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc -Wall -shared -fPIC -O2 -o "$work/fakeclock.so" "$here/fakeclock.c"

shm_root=/dev/shm/vfsim-golden
ext4_root=/tmp/vfsim-golden
xfs_img=/tmp/vfsim-golden-xfs.img
xfs_mnt=/mnt/vfsim-golden-xfs
xfs_root=$xfs_mnt/vfsim-golden

[ "$(stat -f -c %T /tmp)" = "ext2/ext3" ] || { echo "/tmp must be ext4" >&2; exit 1; }
mkdir -p "$xfs_mnt"
if ! mountpoint -q "$xfs_mnt"; then
  rm -f "$xfs_img"
  truncate -s 320M "$xfs_img"
  mkfs.xfs -q -f "$xfs_img"
  mount -o loop "$xfs_img" "$xfs_mnt"
  mounted_here=1
fi

root_of() {
  case "$1" in
    tmpfs) echo "$shm_root" ;;
    ext4) echo "$ext4_root" ;;
    xfs) echo "$xfs_root" ;;
    *) echo "unknown fs $1" >&2; exit 1 ;;
  esac
}

fresh_dir() {
  local dir
  dir=$(root_of "$1")
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "$dir"
}

# The fstests way: the whole timing line becomes one fixed string.
summary_rule='s#^[^ ]+ [A-Za-z]+, [0-9]+ ops; .* \(.* ops/sec\)$#XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)#'
# File names become placeholders; mmap addresses (ASLR) become @ADDR@.
names_rule='s#vfsimf2#@FILE2@#g; s#vfsimf#@FILE@#g; s#0x[0-9a-f]{9,}#@ADDR@#g'

placeholders_to_names() {
  local arg
  for arg in "$@"; do
    arg=${arg//@FILE2@/vfsimf2}
    printf '%s\n' "${arg//@FILE@/vfsimf}"
  done
}

# Joins arguments as a shell would need them, for the README tables.
shell_join() {
  local arg out=""
  for arg in "$@"; do
    if [[ $arg == *[[:space:]]* ]]; then arg="'$arg'"; fi
    out+="${out:+ }$arg"
  done
  printf '%s' "$out" | sed -E 's/\|/\\|/g'
}

cases_table="$work/cases.md"
filefrag_table="$work/filefrag.md"
: > "$cases_table"
: > "$filefrag_table"

# xcase NAME FS "what it shows" [stdin=TEXT] -- XFS_IO_ARG...
xcase() {
  local name=$1 fs=$2 what=$3
  shift 3
  local stdin_text=""
  if [[ $1 == stdin=* ]]; then
    stdin_text=${1#stdin=}
    shift
  fi
  [ "$1" = "--" ] && shift
  local out="$golden/xfs_io/$name"
  rm -rf "$out"
  mkdir -p "$out"
  printf '%s\n' "$@" > "$out/cmd"
  echo "$fs" > "$out/fs"
  if [ -n "$stdin_text" ]; then
    printf '%s\n' "$stdin_text" > "$out/stdin"
    stdin_text=$(placeholders_to_names "$stdin_text")
  fi
  local -a argv
  mapfile -t argv < <(placeholders_to_names "$@")
  local dir rc
  dir=$(fresh_dir "$fs")
  set +e
  (cd "$dir" && printf '%s' "${stdin_text:+$stdin_text$'\n'}" | xfs_io "${argv[@]}" \
      > "$work/stdout" 2> "$work/stderr")
  rc=$?
  set -e
  echo "$rc" > "$out/exit"
  sed -E "$summary_rule; $names_rule" "$work/stdout" > "$out/stdout"
  sed -E "$names_rule" "$work/stderr" > "$out/stderr"
  if grep -q ' ops/sec)$' "$work/stdout"; then
    dir=$(fresh_dir "$fs")
    set +e
    (cd "$dir" && printf '%s' "${stdin_text:+$stdin_text$'\n'}" | \
        FAKECLOCK_STEP_US=1234567 LD_PRELOAD="$work/fakeclock.so" xfs_io "${argv[@]}" \
        > "$work/stdout.fake" 2> /dev/null)
    set -e
    sed -E "$names_rule" "$work/stdout.fake" > "$out/stdout.fakeclock"
    if ! sed -E "$summary_rule" "$out/stdout.fakeclock" | cmp -s - "$out/stdout"; then
      echo "note: $name: fake-clock run differs beyond the timing line" >&2
    fi
  fi
  local shown
  shown=$(shell_join "$@")
  if [ -f "$out/stdin" ]; then
    what="$what (stdin: $(tr '\n' ';' < "$out/stdin" | sed -E 's/;$//; s/;/; /g'))"
  fi
  printf '| `%s` | %s | `xfs_io %s` | %s | %s |\n' "$name" "$fs" "$shown" "$rc" "$what" \
      >> "$cases_table"
}

# fcase NAME FS "what it shows" SETUP_XFS_IO_ARG... -- FILEFRAG_ARG...
fcase() {
  local name=$1 fs=$2 what=$3
  shift 3
  local -a setup=()
  while [ "$1" != "--" ]; do setup+=("$1"); shift; done
  shift
  local out="$golden/filefrag/$name"
  rm -rf "$out"
  mkdir -p "$out"
  printf '%s\n' "${setup[@]}" > "$out/setup"
  printf '%s\n' "$@" > "$out/cmd"
  echo "$fs" > "$out/fs"
  local -a setup_argv argv
  mapfile -t setup_argv < <(placeholders_to_names "${setup[@]}")
  mapfile -t argv < <(placeholders_to_names "$@")
  local dir rc
  dir=$(fresh_dir "$fs")
  set +e
  (cd "$dir" && xfs_io "${setup_argv[@]}" > /dev/null && filefrag "${argv[@]}" \
      > "$work/stdout" 2> "$work/stderr")
  rc=$?
  set -e
  echo "$rc" > "$out/exit"
  sed -E "$names_rule" "$work/stdout" > "$out/stdout"
  sed -E "$names_rule" "$work/stderr" > "$out/stderr"
  local shown_setup shown
  shown_setup=$(shell_join "${setup[@]}")
  shown=$(shell_join "$@")
  printf '| `%s` | %s | `xfs_io %s` | `filefrag %s` | %s |\n' "$name" "$fs" "$shown_setup" "$shown" \
      "$what" >> "$filefrag_table"
}

# summary BYTES_TO_READ BLOCK ELAPSED_US: one xfs_io summary line under a fixed clock.
summary_tsv="$golden/xfs_io-summary/summary-lines.tsv"
summary() {
  local len=$1 bs=$2 us=$3 off=0 line
  if [ "$len" = "eof" ]; then off=8g; len=10; fi
  line=$(cd "$shm_root" && FAKECLOCK_STEP_US=$us LD_PRELOAD="$work/fakeclock.so" \
      xfs_io -r -c "pread -b $bs $off $len" sparse | tail -n 1)
  local bytes=${len} ops
  ops=$(sed -E 's/^.*, ([0-9]+) ops;.*$/\1/' <<< "$line")
  if [ "$off" != 0 ]; then bytes=0; fi
  printf '%s\t%s\t%s\t%s\n' "$bytes" "$ops" "$us" "$line" >> "$summary_tsv"
}

source "$here/cases.sh"

if [ -n "${mounted_here:-}" ]; then
  umount "$xfs_mnt"
  rm -f "$xfs_img"
fi
rm -rf "$shm_root" "$ext4_root"

readme="$golden/xfs_io/README.md"
if [ -f "$readme" ]; then
  awk -v table="$cases_table" -v frag="$filefrag_table" '
    /<!-- cases:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- filefrag:begin -->/ { print; while ((getline line < frag) > 0) print line; skip = 1; next }
    /<!-- (cases|filefrag):end -->/ { skip = 0 }
    !skip { print }
  ' "$readme" > "$work/readme" && cp "$work/readme" "$readme"
fi
echo "golden outputs written under $golden" >&2
