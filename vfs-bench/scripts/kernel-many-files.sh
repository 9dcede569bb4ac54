#!/usr/bin/env bash
# The many-files script on Linux's own filesystems, for side-by-side figures with
# ScaleBenchmark: on a fresh loop device per filesystem (ext2, XFS, btrfs), create a file, write
# 16 KiB, fsync, close, N times, with the real xfs_io as the user did, and print the
# wall time per file. Needs root, loop devices, mkfs.ext2, mkfs.xfs, mkfs.btrfs and xfs_io;
# says which is missing otherwise. Usage: kernel-many-files.sh [FILES] [SIZE]
set -euo pipefail
files=${1:-4000}
size=${2:-4G}
if [ "$(id -u)" != 0 ]; then
  echo "kernel-many-files: needs root (loop devices and mount)" >&2
  exit 2
fi
for tool in losetup mkfs.ext2 mkfs.xfs mkfs.btrfs xfs_io; do
  command -v "$tool" >/dev/null || { echo "kernel-many-files: $tool is missing" >&2; exit 2; }
done
work=$(mktemp -d)
cleanup() {
  mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
  [ -n "${loop:-}" ] && losetup -d "$loop" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/mnt"
printf '%-6s %8s %12s %14s\n' fs files seconds "us per file"
for fs in ext2 xfs btrfs; do
  truncate -s "$size" "$work/disk"
  loop=$(losetup --find --show "$work/disk")
  case $fs in
    ext2) mkfs.ext2 -q -F "$loop" ;;
    xfs) mkfs.xfs -q -f "$loop" ;;
    btrfs) mkfs.btrfs -q -f "$loop" ;;
  esac
  mount -t "$fs" "$loop" "$work/mnt"
  start=$(date +%s.%N)
  for ((i = 0; i < files; i++)); do
    xfs_io -f -c "pwrite -q 0 16k" -c fsync "$work/mnt/f$i"
  done
  end=$(date +%s.%N)
  umount "$work/mnt"
  losetup -d "$loop"
  loop=
  rm -f "$work/disk"
  awk -v fs="$fs" -v n="$files" -v s="$start" -v e="$end" \
    'BEGIN { printf "%-6s %8d %12.2f %14.0f\n", fs, n, e - s, (e - s) * 1e6 / n }'
done
