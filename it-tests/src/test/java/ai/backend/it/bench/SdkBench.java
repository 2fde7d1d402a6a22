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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SDK overhead harness (not a test), per transport adapter: (a) sequential signed requests per second
 * through the SDK against a raw loop of pre-signed requests (JDK HttpClient, one fixed Date) to the same
 * endpoint; (b) 64-way async executes per second through {@link AsyncKernel}. Runs against an in-process
 * local server; every loop is bounded and everything is closed at the end. Optional arguments: adapters
 * (default {@code apache,jdk}), sequential requests per round (default 1000, 5 rounds per side).
 */
public final class SdkBench {
  private static final int ROUNDS = 5;
  private static final int CHAINS = 64;
  private static final int ASYNC_TOTAL = 6400;

  private SdkBench() {}

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    List<String> adapters = List.of((args.length > 0 ? args[0] : "apache,jdk").split(","));
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    List<String> seq = new ArrayList<>();
    List<String> async = new ArrayList<>();
    try (LocalServer server = LocalServer.builder()
        .port(0)
        .maxSessionsPerKey(CHAINS + 16)
        .rateLimit(10_000_000)
        .start()) {
      Config cfg = Config.builder()
          .endpoint(server.uri())
          .accessKey(server.accessKey())
          .secretKey(server.secretKey())
          .build();
      for (String adapter : adapters) {
        try (Session session =
            Session.builder().config(cfg).transportName(adapter).build()) {
          seq.addAll(sequential(server, session, adapter, perRound));
          async.add(async64(session, adapter));
        }
      }
    }
    System.out.println();
    System.out.println(
        "| Adapter | Request (SDK / raw) | n per side | SDK req/s | raw pre-signed JDK req/s "
            + "| overhead (mean time) | p50 SDK / raw | overhead (p50) |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    seq.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "| Adapter | 64-way async `execute(\"x=1\")`, 64 sessions | executes/s | failures |");
    System.out.println("|---|---|---:|---:|");
    async.forEach(System.out::println);
  }

  /** (a) SDK vs raw, alternating rounds so JIT warm-up and machine noise hit both alike; medians reported. */
  static List<String> sequential(LocalServer server, Session session, String adapter, int n)
      throws Exception {
    String name = "bench-sdk-" + adapter;
    Kernel k =
        Kernel.getOrCreate(session, "python", KernelOptions.builder().name(name).build());
    List<String> rows = new ArrayList<>();
    try {
      BenchSigner raw = new BenchSigner(server.uri(), server.accessKey(), server.secretKey());
      OffsetDateTime fixed = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
      String path = "/session/" + name;
      HttpRequest info = raw.signed("GET", path, null, fixed);
      HttpRequest exec =
          raw.signed("POST", path, "{\"mode\":\"query\",\"code\":\"x=1\",\"runId\":null}", fixed);
      Op sdkInfo = () -> {
        if (k.info() == null) {
          throw new IllegalStateException("no info");
        }
      };
      Op rawInfo = () ->
          BenchSigner.check(raw.http.send(info, HttpResponse.BodyHandlers.ofString()), "GET", path);
      Op sdkExec = () -> {
        ExecutionResult r = k.execute("x=1");
        if (r.status() != ExecutionStatus.FINISHED) {
          throw new IllegalStateException("not finished: " + r);
        }
      };
      Op rawExec = () -> {
        String body = BenchSigner.check(
            raw.http.send(exec, HttpResponse.BodyHandlers.ofString()), "POST", path);
        if (!body.contains("\"finished\"")) {
          throw new IllegalStateException("not finished: " + body);
        }
      };
      rows.add(compare(adapter, "`kernel.info()` / `GET /session/NAME`", sdkInfo, rawInfo, n));
      rows.add(compare(
          adapter, "`kernel.execute(\"x=1\")` / `POST /session/NAME`", sdkExec, rawExec, n));
    } finally {
      k.destroy();
    }
    return rows;
  }

  /**
   * Alternates blocks of 50 SDK calls and 50 raw calls, ROUNDS * n calls per side, so that JIT warm-up and
   * the noise of a shared machine hit both alike; per-call times are recorded.
   */
  private static String compare(String adapter, String what, Op sdk, Op raw, int n)
      throws Exception {
    for (int i = 0; i < n; i++) { // warm-up
      sdk.run();
      raw.run();
    }
    int total = ROUNDS * n;
    long[] ts = new long[total];
    long[] tr = new long[total];
    for (int i = 0; i < total; i += 50) {
      for (int j = i; j < Math.min(total, i + 50); j++) {
        long t = System.nanoTime();
        sdk.run();
        ts[j] = System.nanoTime() - t;
      }
      for (int j = i; j < Math.min(total, i + 50); j++) {
        long t = System.nanoTime();
        raw.run();
        tr[j] = System.nanoTime() - t;
      }
    }
    double sdkRate = total / (Arrays.stream(ts).sum() / 1e9);
    double rawRate = total / (Arrays.stream(tr).sum() / 1e9);
    long[] ss = ts.clone();
    long[] sr = tr.clone();
    Arrays.sort(ss);
    Arrays.sort(sr);
    double p50s = BenchSigner.at(ss, 0.5);
    double p50r = BenchSigner.at(sr, 0.5);
    return String.format(
        "| %s | %s | %d | %.0f | %.0f | %+.1f %% | %.3f / %.3f ms | %+.1f %% |",
        adapter,
        what,
        total,
        sdkRate,
        rawRate,
        (rawRate / sdkRate - 1) * 100,
        p50s,
        p50r,
        (p50s / p50r - 1) * 100);
  }

  /** (b) 64 sessions, one chain of executes per session: exactly 64 in flight. */
  static String async64(Session session, String adapter) throws Exception {
    AsyncSession async = session.async();
    List<AsyncKernel> kernels = new ArrayList<>();
    try {
      List<CompletableFuture<AsyncKernel>> creating = new ArrayList<>();
      for (int i = 0; i < CHAINS; i++) {
        creating.add(AsyncKernel.getOrCreate(
            async,
            "python",
            KernelOptions.builder().name("bench-async-" + adapter + "-" + i).build()));
        if (creating.size() == 8) { // 8 creates in flight
          for (CompletableFuture<AsyncKernel> f : creating) {
            kernels.add(f.get(2, TimeUnit.MINUTES));
          }
          creating.clear();
        }
      }
      for (CompletableFuture<AsyncKernel> f : creating) {
        kernels.add(f.get(2, TimeUnit.MINUTES));
      }
      AtomicInteger failures = new AtomicInteger();
      runChains(kernels, ASYNC_TOTAL / CHAINS / 4, failures); // warm-up
      failures.set(0);
      long t = System.nanoTime();
      runChains(kernels, ASYNC_TOTAL / CHAINS, failures);
      double rate = ASYNC_TOTAL / ((System.nanoTime() - t) / 1e9);
      return String.format(
          "| %s | %d executes | %.0f | %d |", adapter, ASYNC_TOTAL, rate, failures.get());
    } finally {
      CompletableFuture.allOf(
              kernels.stream().map(AsyncKernel::destroy).toArray(CompletableFuture[]::new))
          .get(2, TimeUnit.MINUTES);
    }
  }

  private static void runChains(List<AsyncKernel> kernels, int perKernel, AtomicInteger failures)
      throws Exception {
    CompletableFuture<?>[] chains = new CompletableFuture<?>[kernels.size()];
    for (int i = 0; i < chains.length; i++) {
      chains[i] = chain(kernels.get(i), perKernel, failures);
    }
    CompletableFuture.allOf(chains).get(10, TimeUnit.MINUTES);
  }

  private static CompletableFuture<Void> chain(
      AsyncKernel k, int remaining, AtomicInteger failures) {
    if (remaining == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return k.execute("x=1")
        .handle((r, e) -> {
          if (e != null || r.status() != ExecutionStatus.FINISHED) {
            failures.incrementAndGet();
          }
          return null;
        })
        .thenCompose(x -> chain(k, remaining - 1, failures));
  }
}
