package ai.backend.it.bench;

import ai.backend.client.AsyncKernel;
import ai.backend.client.AsyncSession;
import ai.backend.client.Config;
import ai.backend.client.ExecutionResult;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.Session;
import ai.backend.local.LocalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Benchmark harness (not a test): measures local-server and the SDK against an in-process local-server.
 * Usage: {@code Bench server|sdk|all}; see docs/benchmarks.md for the command line. Every loop is bounded
 * and everything started is closed at the end.
 */
public final class Bench {
  private static final String VERSION = "v9.20250722";

  private Bench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    try (LocalServer server = LocalServer.builder().port(0).maxSessionsPerKey(400).rateLimit(10_000_000).start()) {
      if (what.equals("server") || what.equals("all")) {
        serverBench(server);
      }
      if (what.equals("sdk") || what.equals("all")) {
        for (String adapter : List.of("apache", "jdk")) {
          sdkBench(server, adapter);
        }
      }
    }
  }

  // ---- local-server, measured with a raw JDK client and a minimal signer ------------------------

  static void serverBench(LocalServer server) throws Exception {
    RawClient raw = new RawClient(server);
    raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"bench-exec\"}");
    for (int i = 0; i < 300; i++) { // warm-up
      raw.send("POST", "/session/bench-exec", "{\"mode\":\"query\",\"code\":\"x=1\",\"runId\":null}");
    }
    long[] t = new long[3000];
    for (int i = 0; i < t.length; i++) {
      long s = System.nanoTime();
      String body = raw.send("POST", "/session/bench-exec", "{\"mode\":\"query\",\"code\":\"x=1\",\"runId\":null}");
      t[i] = System.nanoTime() - s;
      if (!body.contains("\"finished\"")) {
        throw new IllegalStateException("unexpected execute answer: " + body);
      }
    }
    System.out.printf("| trivial python execute (`x=1`), %d sequential, raw signed HTTP | %s |%n", t.length, pct(t));
    raw.send("DELETE", "/session/bench-exec", null);

    long[] c = new long[30];
    for (int i = 0; i < c.length; i++) {
      long s = System.nanoTime();
      raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"bench-create-" + i + "\"}");
      c[i] = System.nanoTime() - s;
      raw.send("DELETE", "/session/bench-create-" + i, null);
    }
    System.out.printf("| create python session (until RUNNING), %d sequential | %s |%n", c.length, pct(c));

    int n = 200;
    AtomicInteger errors = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    long s0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      fs.add(pool.submit(() -> call(errors, () -> raw.send("POST", "/session", "{\"image\":\"python\",\"name\":\"bench-live-" + k + "\"}"), null)));
    }
    waitAll(fs);
    long created = System.nanoTime() - s0;
    fs.clear();
    long s1 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int k = i;
      fs.add(pool.submit(() -> call(errors,
          () -> raw.send("POST", "/session/bench-live-" + k, "{\"mode\":\"query\",\"code\":\"print(" + k + " * 2)\",\"runId\":null}"),
          "\"" + (k * 2) + "\\n\"")));
    }
    waitAll(fs);
    long executed = System.nanoTime() - s1;
    long rssKb = rssOfTreeKb();
    fs.clear();
    for (int i = 0; i < n; i++) {
      int k = i;
      fs.add(pool.submit(() -> call(errors, () -> raw.send("DELETE", "/session/bench-live-" + k, null), null)));
    }
    waitAll(fs);
    pool.shutdown();
    System.out.printf("| %d concurrent live python sessions | created in %.1f s (16 in flight); one execute each, "
        + "all concurrent, in %.2f s; errors: %d; RSS of JVM + children with all live: %d MiB |%n",
        n, created / 1e9, executed / 1e9, errors.get(), rssKb / 1024);
  }

  interface Call {
    String run() throws Exception;
  }

  private static Object call(AtomicInteger errors, Call c, String mustContain) {
    try {
      String body = c.run();
      if (mustContain != null && !body.contains(mustContain)) {
        errors.incrementAndGet();
        System.err.println("unexpected: " + body);
      }
    } catch (Exception e) {
      errors.incrementAndGet();
      System.err.println("error: " + e);
    }
    return null;
  }

  private static void waitAll(List<Future<?>> fs) throws Exception {
    for (Future<?> f : fs) {
      f.get();
    }
  }

  private static long rssOfTreeKb() {
    long[] total = {0};
    ProcessHandle self = ProcessHandle.current();
    List<ProcessHandle> all = new ArrayList<>(self.descendants().toList());
    all.add(self);
    for (ProcessHandle p : all) {
      try {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + p.pid() + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            total[0] += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception ignored) {
        // the process ended meanwhile
      }
    }
    return total[0];
  }

  // ---- SDK overhead -------------------------------------------------------------------------------

  static void sdkBench(LocalServer server, String adapter) throws Exception {
    Config cfg = Config.builder().endpoint(server.uri()).accessKey(server.accessKey()).secretKey(server.secretKey()).build();
    int n = 2000;
    try (Session session = Session.builder().config(cfg).transportName(adapter).build()) {
      Kernel k = Kernel.getOrCreate(session, "python", KernelOptions.builder().name("bench-sdk-" + adapter).build());
      // SDK and a raw pre-signed loop (one Date for the whole loop; the server allows ±15 min) to the same
      // endpoint, alternated over several rounds so that JIT warm-up and machine noise hit both alike;
      // the best round of each is reported.
      RawClient raw = new RawClient(server);
      String path = "/session/bench-sdk-" + adapter;
      // session info (GET /session/NAME): cheap on the server, so the client's own cost shows
      HttpRequest pre = raw.signed("GET", path, null);
      double sdkRate = 0;
      double rawRate = 0;
      for (int round = 0; round < 5; round++) {
        long s = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (k.info().raw().isEmpty()) {
            throw new IllegalStateException("empty info");
          }
        }
        sdkRate = Math.max(sdkRate, n / ((System.nanoTime() - s) / 1e9));
        long s2 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          HttpResponse<String> resp = raw.http.send(pre, HttpResponse.BodyHandlers.ofString());
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(resp.body());
          }
        }
        rawRate = Math.max(rawRate, n / ((System.nanoTime() - s2) / 1e9));
      }
      System.out.printf("| %s | sequential signed GET session info: SDK %.0f/s, raw pre-signed JDK loop %.0f/s, SDK overhead %.1f %% |%n",
          adapter, sdkRate, rawRate, (rawRate / sdkRate - 1) * 100);
      k.destroy();

      AsyncSession async = session.async();
      List<AsyncKernel> kernels = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        kernels.add(AsyncKernel.getOrCreate(async, "python", KernelOptions.builder().name("bench-async-" + adapter + "-" + i).build()).join());
      }
      int total = 6400;
      for (int round = 0; round < 2; round++) { // round 0 warms up
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<ExecutionResult>> all = new ArrayList<>(total);
        long s3 = System.nanoTime();
        for (int i = 0; i < total; i++) {
          inFlight.acquire();
          AsyncKernel ak = kernels.get(i % 64);
          // per kernel runs are FIFO; keep one in flight per kernel
          CompletableFuture<ExecutionResult> f = ak.execute("x=1");
          f.whenComplete((r, e) -> {
            if (e != null || r.status() != ExecutionStatus.FINISHED) {
              failures.incrementAndGet();
            }
            inFlight.release();
          });
          all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double rate = total / ((System.nanoTime() - s3) / 1e9);
        if (round == 1) {
          System.out.printf("| %s | 64-way async executes: %.0f/s over %d executes (64 sessions), failures: %d |%n",
              adapter, rate, total, failures.get());
        }
      }
      CompletableFuture.allOf(kernels.stream().map(AsyncKernel::destroy).toArray(CompletableFuture[]::new)).join();
    }
  }

  private static String pct(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
        s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[(int) (s.length * 0.99)] / 1e6);
  }

  /** A raw JDK HttpClient with a minimal HMAC-SHA256 signer (spec §2.2), independent of the SDK. */
  static final class RawClient {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final LocalServer server;

    RawClient(LocalServer server) {
      this.server = server;
    }

    String send(String method, String path, String body) throws Exception {
      HttpResponse<String> r = http.send(signed(method, path, body), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300 && r.statusCode() != 204) {
        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }

    HttpRequest signed(String method, String path, String body) throws Exception {
      URI uri = server.uri().resolve(path);
      String host = uri.getHost() + ":" + uri.getPort();
      String date = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      String ctype = body == null ? "application/octet-stream" : "application/json";
      String emptyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
      String toSign = method + "\n" + path + "\n" + date + "\nhost:" + host + "\ncontent-type:" + ctype
          + "\nx-backendai-version:" + VERSION + "\n" + emptyHash;
      byte[] k1 = hmac(server.secretKey().getBytes(StandardCharsets.UTF_8), date.substring(0, 10).replace("-", ""));
      byte[] k = hmac(k1, host);
      String sig = HexFormat.of().formatHex(hmac(k, toSign));
      HttpRequest.Builder b = HttpRequest.newBuilder(uri)
          .header("Date", date)
          .header("X-BackendAI-Version", VERSION)
          .header("Authorization", "BackendAI signMethod=HMAC-SHA256, credential=" + server.accessKey() + ":" + sig)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("Content-Type", ctype);
      }
      return b.build();
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
  }
}
