package ai.backend.local.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Latency harness: python kernel start time and end-to-end latency of trivial queries at the engine
 * level; optionally starts N concurrent python kernels.
 *
 * <pre>
 * ./mvnw -B -o -q -pl local-server test-compile
 * java -cp local-server/target/classes:local-server/target/test-classes \
 *     ai.backend.local.engine.EngineBench [queries=2000] [kernels=0]
 * </pre>
 */
public final class EngineBench {
  private EngineBench() {}

  @SuppressWarnings("try") // the engine is closed inside its block to time the close
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int kernels = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Path dir = Files.createTempDirectory("engine-bench-");
    try (ProcessExecutionEngine engine = ProcessExecutionEngine.create()) {
      long[] starts = new long[5];
      for (int i = 0; i < starts.length; i++) {
        long t0 = System.nanoTime();
        Kernel k = engine.start("python", dir.resolve("s" + i), Map.of(), KernelLimits.defaults());
        starts[i] = System.nanoTime() - t0;
        k.close();
      }
      Arrays.sort(starts);
      System.out.printf(
          "python kernel start: median %.1f ms (min %.1f, max %.1f)%n",
          starts[2] / 1e6, starts[0] / 1e6, starts[4] / 1e6);
      try (Kernel k = engine.start("python", dir.resolve("q"), Map.of(), KernelLimits.defaults())) {
        Duration flush = Duration.ofSeconds(2);
        for (int i = 0; i < 300; i++) {
          k.execute(new ExecRequest(ExecMode.QUERY, null, "x=1", null), flush);
        }
        long[] lat = new long[n];
        for (int i = 0; i < n; i++) {
          String code = (i % 2 == 0) ? "1+1" : "x=1";
          long t0 = System.nanoTime();
          ExecResult r = k.execute(new ExecRequest(ExecMode.QUERY, null, code, null), flush);
          lat[i] = System.nanoTime() - t0;
          if (r.status() != ExecStatus.FINISHED) {
            throw new IllegalStateException("unexpected " + r);
          }
        }
        Arrays.sort(lat);
        System.out.printf(
            "%d trivial queries: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n",
            n, lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
      }
      if (kernels > 0) {
        long t0 = System.nanoTime();
        List<Kernel> ks = new ArrayList<>();
        for (int i = 0; i < kernels; i++) {
          ks.add(engine.start("python", dir.resolve("k" + i), Map.of(), KernelLimits.defaults()));
        }
        long started = System.nanoTime() - t0;
        int ok = 0;
        for (int i = 0; i < kernels; i++) {
          ExecResult r = ks.get(i)
              .execute(
                  new ExecRequest(ExecMode.QUERY, null, "print(" + i + ")", null),
                  Duration.ofSeconds(10));
          if (r.status() == ExecStatus.FINISHED && r.console().get(0).value().equals(i + "\n")) {
            ok++;
          }
        }
        System.out.printf(
            "%d live python kernels started in %.1f s; %d/%d answered correctly; "
                + "threads: %d%n",
            kernels, started / 1e9, ok, kernels, Thread.activeCount());
        long c0 = System.nanoTime();
        engine.close();
        System.out.printf("engine close: %.2f s%n", (System.nanoTime() - c0) / 1e9);
      }
    }
  }
}
