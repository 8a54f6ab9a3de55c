import cProfile
import pstats
import sys
import time

from benchmarks._minimal import Options, minimal_server
from benchmarks.overhead import Target, client_attributes, client_typed, raw

if __name__ == "__main__":
    mode = {"raw": raw, "attrs": client_attributes, "typed": client_typed}[sys.argv[1]]
    with minimal_server(Options(mode="open", pages=10)) as server:
        target = Target(server.base_url, 1, "b")
        mode(target, 50)
        pr = cProfile.Profile(time.process_time)
        pr.enable()
        t = mode(target, 400)
        pr.disable()
        print(t.cpu_ms)
        pstats.Stats(pr).sort_stats(sys.argv[2] if len(sys.argv) > 2 else "tottime").print_stats(35)
