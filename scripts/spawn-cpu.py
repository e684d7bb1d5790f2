#!/usr/bin/python3
"""spawn-cpu.py - a program's own CPU time, with no shell's fork in it.

Usage: spawn-cpu.py ROUNDS BATCH PROGRAM [ARG ...]

Starts PROGRAM with its arguments BATCH times a round, ROUNDS rounds, each
time with posix_spawn (no copy of a shell's page tables: a shell loop's
fork charges the child for copying the shell, about 1 ms on a machine whose
page faults cost 10 us) and its standard output and error sent to
/dev/null. Each run's CPU time (user + system) is the child's own, read
from wait4's rusage: from the spawn to its exit, exec, start-up and exit
included. Prints the mean CPU seconds of one run in the best (lowest)
round. The kernel's rusage total is the scheduler's precise runtime, not a
tick count, so one run of a few milliseconds is measured, not rounded.

Exits 1, naming the command, if any run fails; 2 on a usage error or a
program that cannot be started. The
arguments are passed to posix_spawn as a list: nothing reaches a shell.
"""
import os
import sys


def main(argv):
    if len(argv) < 4 or not argv[1].isdigit() or not argv[2].isdigit() or int(argv[1]) < 1 or int(argv[2]) < 1:
        sys.stderr.write("usage: spawn-cpu.py ROUNDS BATCH PROGRAM [ARG ...] (ROUNDS, BATCH >= 1)\n")
        return 2
    rounds, batch, cmd = int(argv[1]), int(argv[2]), argv[3:]
    null = os.open(os.devnull, os.O_WRONLY)
    acts = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    best = None
    for _ in range(rounds):
        cpu = 0.0
        for _ in range(batch):
            try:
                pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=acts)
            except OSError as e:
                sys.stderr.write("spawn-cpu: cannot start %s: %s, expected an executable path\n" % (cmd[0], e.strerror))
                return 2
            _, status, ru = os.wait4(pid, 0)
            if status:
                sys.stderr.write("spawn-cpu: failed (wait status %d): %s\n" % (status, " ".join(cmd)))
                return 1
            cpu += ru.ru_utime + ru.ru_stime
        best = cpu / batch if best is None else min(best, cpu / batch)
    print(f"{best:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
