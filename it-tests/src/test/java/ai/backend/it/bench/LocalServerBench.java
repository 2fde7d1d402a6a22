package ai.backend.it.bench;

import ai.backend.local.LocalServer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local-server performance harness (not a test): (a) sequential trivial python executes on one live
 * session, (b) python session create latency, (c) 200 concurrent live python sessions. Measured with a raw
 * JDK HttpClient and {@link BenchSigner}, so the SDK is not in the path. Every loop is bounded; the server,
 * its sessions and the thread pools are closed at the end. Optional argument: the number of live sessions
 * for (c) (default 200).
 */
public final class LocalServerBench {
  private static final String EXEC = "{\"mode\":\"query\",\"code\":\"x=1\",\"runId\":null}";

  private LocalServerBench() {}

  public static void main(String[] args) throws Exception {
    int live = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    try (LocalServer server = LocalServer.builder()
        .port(0)
        .maxSessionsPerKey(live + 20)
        .rateLimit(10_000_000)
        .start()) {
      BenchSigner raw = new BenchSigner(server.uri(), server.accessKey(), server.secretKey());
      System.out.println("| Measurement | n | p50 | p90 | p99 |");
      System.out.println("|---|---:|---:|---:|---:|");
      sequentialExecutes(raw);
      createLatency(raw);
      System.out.println();
      liveSessions(raw, live);
    }
  }

  /** (a) One live session; every call is the first call of a new run (runId null). */
  static void sequentialExecutes(BenchSigner raw) throws Exception {
    raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"bench-xyz\"}");
    try {
      for (int i = 0; i < 500; i++) { // warm-up: JIT on both sides, connection pool
        execOk(raw, "/session/bench-xyz", EXEC, null);
      }
      long[] t = new long[3000];
      for (int i = 0; i < t.length; i++) {
        long s = System.nanoTime();
        execOk(raw, "/session/bench-xyz", EXEC, null);
        t[i] = System.nanoTime() - s;
      }
      System.out.printf(
          "| (a) `POST /session/bench-xyz` query `x=1`, sequential, raw signed HTTP | %d | %s |%n",
          t.length, BenchSigner.percentiles(t));
    } finally {
      raw.send("DELETE", "/session/bench-xyz", null);
    }
  }

  /** (b) Create (answer of POST /session) and destroy latency, sequential. */
  static void createLatency(BenchSigner raw) throws Exception {
    for (int i = 0; i < 5; i++) { // warm-up
      raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"bench-warm-" + i + "\"}");
      raw.send("DELETE", "/session/bench-warm-" + i, null);
    }
    int n = 40;
    long[] create = new long[n];
    long[] firstExec = new long[n];
    long[] destroy = new long[n];
    for (int i = 0; i < n; i++) {
      String name = "bench-create-" + i;
      long s = System.nanoTime();
      raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"" + name + "\"}");
      create[i] = System.nanoTime() - s;
      s = System.nanoTime();
      execOk(raw, "/session/" + name, EXEC, null);
      firstExec[i] = System.nanoTime() - s;
      s = System.nanoTime();
      raw.send("DELETE", "/session/" + name, null);
      destroy[i] = System.nanoTime() - s;
    }
    System.out.printf(
        "| (b) create python session (`POST /session`) | %d | %s |%n",
        n, BenchSigner.percentiles(create));
    System.out.printf(
        "| (b) first execute `x=1` right after create | %d | %s |%n",
        n, BenchSigner.percentiles(firstExec));
    System.out.printf(
        "| (b) destroy (`DELETE /session/NAME`) | %d | %s |%n",
        n, BenchSigner.percentiles(destroy));
  }

  /** (c) n live python sessions: create (8 in flight), execute once in each (32 in flight), destroy. */
  static void liveSessions(BenchSigner raw, int n) throws Exception {
    AtomicInteger errors = new AtomicInteger();
    AtomicLong peakRssKb = new AtomicLong(rssOfTreeKb());
    long baseRssKb = peakRssKb.get();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(
        () -> {
          while (sampling.get()) {
            peakRssKb.accumulateAndGet(rssOfTreeKb(), Math::max);
            try {
              Thread.sleep(200);
            } catch (InterruptedException e) {
              return;
            }
          }
        },
        "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    ExecutorService create = Executors.newFixedThreadPool(8);
    ExecutorService exec = Executors.newFixedThreadPool(32);
    boolean[] created = new boolean[n];
    long createNs;
    long execNs;
    long destroyNs;
    long[] execLat = new long[n];
    int liveAtPeak;
    try {
      long s0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        fs.add(create.submit(() -> {
          try {
            raw.send(
                "POST", "/session", "{\"image\":\"python\",\"name\":\"bench-live-" + k + "\"}");
            created[k] = true;
          } catch (Exception e) {
            errors.incrementAndGet();
            System.err.println("create " + k + ": " + e);
          }
        }));
      }
      waitAll(fs);
      createNs = System.nanoTime() - s0;
      liveAtPeak = countTrue(created);
      fs.clear();
      long s1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int k = i;
        if (!created[k]) {
          continue;
        }
        fs.add(exec.submit(() -> {
          long s = System.nanoTime();
          try {
            String code = "print(" + k + " * 2)";
            execOk(
                raw,
                "/session/bench-live-" + k,
                "{\"mode\":\"query\",\"code\":\"" + code + "\",\"runId\":null}",
                (k * 2) + "\n");
          } catch (Exception e) {
            errors.incrementAndGet();
            System.err.println("execute " + k + ": " + e);
          }
          execLat[k] = System.nanoTime() - s;
        }));
      }
      waitAll(fs);
      execNs = System.nanoTime() - s1;
    } finally {
      long s2 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        if (!created[k]) {
          continue;
        }
        fs.add(exec.submit(() -> {
          try {
            raw.send("DELETE", "/session/bench-live-" + k, null);
          } catch (Exception e) {
            errors.incrementAndGet();
            System.err.println("destroy " + k + ": " + e);
          }
        }));
      }
      waitAll(fs);
      destroyNs = System.nanoTime() - s2;
      sampling.set(false);
      sampler.interrupt();
      create.shutdownNow();
      exec.shutdownNow();
      create.awaitTermination(10, TimeUnit.SECONDS);
      exec.awaitTermination(10, TimeUnit.SECONDS);
    }
    long[] lat = Arrays.stream(execLat).filter(v -> v > 0).toArray();
    System.out.println("| (c) " + n + " live python sessions | value |");
    System.out.println("|---|---:|");
    System.out.printf("| sessions live at once | %d |%n", liveAtPeak);
    System.out.printf(
        "| create all (8 in flight) | %.2f s (%.1f creates/s) |%n",
        createNs / 1e9, n / (createNs / 1e9));
    System.out.printf(
        "| one `print(k * 2)` in each (32 in flight), all `finished` with the right stdout | %.2f s (%.0f executes/s) |%n",
        execNs / 1e9, lat.length / (execNs / 1e9));
    System.out.printf(
        "| execute latency under that load, p50 / p90 / p99 | %s |%n",
        lat.length == 0 ? "-" : BenchSigner.percentiles(lat).replace(" | ", " / "));
    System.out.printf("| destroy all (32 in flight) | %.2f s |%n", destroyNs / 1e9);
    System.out.printf("| errors (create, execute, wrong result, destroy) | %d |%n", errors.get());
    System.out.printf(
        "| RSS, JVM + child processes: before → peak (sampled every 200 ms) | %d MiB → %d MiB |%n",
        baseRssKb / 1024, peakRssKb.get() / 1024);
  }

  /** Executes and checks status {@code finished} and, if given, the exact stdout. */
  static void execOk(BenchSigner raw, String path, String body, String stdout) throws Exception {
    String answer = raw.send("POST", path, body);
    JsonObject result = JsonParser.parseString(answer).getAsJsonObject().getAsJsonObject("result");
    if (!"finished".equals(result.get("status").getAsString())) {
      throw new IllegalStateException("not finished: " + answer);
    }
    if (stdout != null) {
      StringBuilder out = new StringBuilder();
      JsonArray console = result.getAsJsonArray("console");
      for (JsonElement item : console) {
        JsonArray pair = item.getAsJsonArray();
        if ("stdout".equals(pair.get(0).getAsString())) {
          out.append(pair.get(1).getAsString());
        }
      }
      if (!stdout.contentEquals(out)) {
        throw new IllegalStateException("wrong stdout: " + answer);
      }
    }
  }

  static void waitAll(List<Future<?>> fs) throws Exception {
    for (Future<?> f : fs) {
      f.get(10, TimeUnit.MINUTES);
    }
  }

  private static int countTrue(boolean[] a) {
    int c = 0;
    for (boolean b : a) {
      c += b ? 1 : 0;
    }
    return c;
  }

  /** Sum of VmRSS of this JVM and all its descendants (Linux /proc), in KiB. */
  static long rssOfTreeKb() {
    long total = 0;
    List<ProcessHandle> all =
        new ArrayList<>(ProcessHandle.current().descendants().toList());
    all.add(ProcessHandle.current());
    for (ProcessHandle p : all) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception ignored) {
        // the process ended meanwhile
      }
    }
    return total;
  }
}
