#!/usr/bin/env bash
# Reserves 2 MiB huge pages for one of this project's processes, and gives them back.
#
#   deploy/hugepages.sh reserve N FILE   add N pages to vm.nr_hugepages; prints "on" and records N in
#                                        FILE when the kernel found them all, else takes none
#   deploy/hugepages.sh heap MB COUNT FILE
#                                        pages for COUNT .NET processes' GC heaps of at most MB MiB each;
#                                        when reserved, prints the settings (NAME=VALUE lines) that put
#                                        one process's heap on them, else nothing
#   deploy/hugepages.sh release FILE     take back what FILE records (nothing when it is absent)
#
# vm.nr_hugepages is one count for the whole machine that several clusters and silos may change at
# once, so every change is made under one lock, and each owner gives back exactly what it added.
# Only root may change it: for anyone else `reserve` prints nothing, and the caller runs on ordinary pages.
set -euo pipefail

lock=/var/tmp/rectification-hugepages.lock
count=/proc/sys/vm/nr_hugepages

# Prints "on" and records $1 pages in $2 when the kernel found them all.
reserve() {
  local want=$1 file=$2 have
  [ "$(id -u)" = 0 ] && [ -w "$count" ] && [ "$want" -gt 0 ] 2>/dev/null || return 0
  (
    flock 9
    have=$(cat "$count")
    echo $((have + want)) > "$count" 2>/dev/null || true
    if [ "$(cat "$count")" -ge $((have + want)) ]; then
      echo "$want" > "$file"; echo on
    else
      echo "$have" > "$count"   # the kernel found fewer: take none
    fi
  ) 9>"$lock"
}

case "${1:-}" in
  reserve) reserve "$2" "$3" ;;
  heap)
    # The collector maps its whole range at start, by default twice its hard limit: the range is set
    # to the limit, so that each heap needs no more pages than that.
    mb=$2 heaps=$3 file=$4
    if [ "$(reserve $(( (mb + 1) / 2 * heaps )) "$file")" = on ]; then
      limit=$(printf '0x%x' $(( mb * 1024 * 1024 )))
      printf '%s\n' DOTNET_GCLargePages=1 "DOTNET_GCHeapHardLimit=$limit" "DOTNET_GCRegionRange=$limit"
    fi
    ;;
  release)
    file=$2
    [ -f "$file" ] || exit 0
    (
      flock 9
      n=$(cat "$file"); have=$(cat "$count")
      echo $(( have > n ? have - n : 0 )) > "$count"
      rm -f "$file"
    ) 9>"$lock"
    ;;
  *) echo "usage: $0 reserve N FILE | heap MB COUNT FILE | release FILE" >&2; exit 2 ;;
esac
