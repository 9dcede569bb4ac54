#!/usr/bin/env bash
# Throughput of vfsim mount against bindfs over tmpfs, measured side by side in the same run:
# fio 1 MiB sequential writes and 4 KiB random writes (psync, one job, fsync at the end) on
# bindfs (a pass-through FUSE filesystem: the FUSE round trip without a simulation) and on
# vfsim mount, interleaved ROUNDS times; the ratio is median(vfsim) / median(bindfs). Not a test: the figures
# depend on the machine and its load. Each vfsim mount is warmed up first (a fresh JVM
# interprets, then compiles, the write path), then measured. Needs root, fio, bindfs, fuse3.
#
#   vfs-fuse/bench/throughput.sh [FS...]      (default: ext2ish xfsish btrfsish)
#   SEQ_SIZE=64m RAND_SIZE=16m ROUNDS=3 vfs-fuse/bench/throughput.sh xfsish
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seq_size="${SEQ_SIZE:-64m}"
rand_size="${RAND_SIZE:-16m}"
rounds="${ROUNDS:-3}"
filesystems=("$@")
[[ ${#filesystems[@]} -gt 0 ]] || filesystems=(ext2ish xfsish btrfsish)

for tool in fio bindfs fusermount3; do
  command -v "$tool" >/dev/null || { echo "throughput.sh: $tool is not installed" >&2; exit 1; }
done
[[ "$(id -u)" = 0 ]] || { echo "throughput.sh: run as root (tmpfs mount)" >&2; exit 1; }

work="$(mktemp -d /tmp/vfsim-bench.XXXXXX)"
cleanup() {
  for m in "$work/vfsim" "$work/bind"; do
    mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
  done
  mountpoint -q "$work/tmpfs" 2>/dev/null && umount -l "$work/tmpfs"
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tmpfs" "$work/bind" "$work/vfsim"
mount -t tmpfs -o size=1g tmpfs "$work/tmpfs"
bindfs "$work/tmpfs" "$work/bind"

# KiB/s written by one fio job in directory $1: rw=$2, bs=$3, size=$4.
write_kibs() {
  rm -f "$1"/bench.*
  fio --name=bench --directory="$1" --rw="$2" --bs="$3" --size="$4" --ioengine=psync \
      --end_fsync=1 --randseed=7 --output-format=terse --terse-version=3 \
    | awk -F';' '$1 == "3" { print $48 }'
  rm -f "$1"/bench.*
}

median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-9s %-16s %-28s %-28s %6s\n' fs workload "bindfs KiB/s (runs)" "vfsim KiB/s (runs)" ratio
for fs in "${filesystems[@]}"; do
  "$root/vfsim" mount --fs "$fs" --size 1g --background "$work/vfsim" 2>/dev/null
  # Warm-up, not measured: a fresh JVM interprets, then compiles, the write path.
  write_kibs "$work/vfsim" write 1m "$seq_size" >/dev/null
  write_kibs "$work/vfsim" randwrite 4k "$rand_size" >/dev/null
  for w in "write 1m $seq_size seq-1MiB" "randwrite 4k $rand_size rand-4KiB"; do
    set -- $w
    b=(); v=()
    for ((r = 0; r < rounds; r++)); do  # interleaved, so both see the same machine load
      b+=("$(write_kibs "$work/bind" "$1" "$2" "$3")")
      v+=("$(write_kibs "$work/vfsim" "$1" "$2" "$3")")
    done
    bm="$(echo "${b[*]}" | median)"; vm="$(echo "${v[*]}" | median)"
    printf '%-9s %-16s %-28s %-28s %6s\n' "$fs" "$4" "$bm (${b[*]})" "$vm (${v[*]})" \
      "$(awk -v v="$vm" -v b="$bm" 'BEGIN { printf "%.2f", v / b }')"
  done
  fusermount3 -u "$work/vfsim"
  # Wait for the server to let go of the mount point before the next filesystem mounts there.
  while mountpoint -q "$work/vfsim"; do sleep 0.1; done
done
echo "ratio = median(vfsim) / median(bindfs) over $rounds interleaved runs; goal >= 0.5"
