package ai.backend.it.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 14 item 5 (not a test): folder uploads and downloads through each adapter against {@code
 * curl} moving the same bytes to and from the same storage-proxy endpoints of one local server,
 * started as its own process from the packaged jar, in alternating rounds (curl, apache, jdk, then
 * rotated). The SDK side runs in a fresh JVM per round with a small {@code -Xmx} ({@link
 * VFolderHeapProbe} {@code --transfer}), which reports its heap peak; the server's VmRSS and VmHWM
 * are sampled from {@code /proc} throughout. Prints the medians and SDK/curl ratios as Markdown.
 *
 * <p>Arguments: server jar, work directory (files and the server's state go there, and are removed),
 * storage-proxy plan ({@code 1024x3,4096x2}: MiB x rounds), v4 plan ({@code 1024x1}, or {@code 0}),
 * adapters ({@code apache,jdk,jdk64k}; {@code jdk64k} is the JDK adapter with {@code
 * -Djdk.httpclient.bufsize=65536}), client {@code -Xmx} ({@code 64m}).
 */
public final class VFolderTransferBench {
  private static final String CURRENT = "v9.20250722";
  private static final String V4 = "v4.20190315";
  private static final String FOLDER = "bench";

  private final Path dir;
  private final String javaBin =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String clientXmx;
  private Process server;
  private URI endpoint;
  private String accessKey;
  private String secretKey;
  private BenchSigner signer;
  private final RssSampler rss = new RssSampler();
  private final List<String> notes = new ArrayList<>();

  private VFolderTransferBench(Path dir, String clientXmx) {
    this.dir = dir;
    this.clientXmx = clientXmx;
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    String plan = args.length > 2 ? args[2] : "1024x3,4096x2";
    String v4plan = args.length > 3 ? args[3] : "1024x1";
    List<String> adapters = List.of((args.length > 4 ? args[4] : "apache,jdk,jdk64k").split(","));
    String xmx = args.length > 5 ? args[5] : "64m";
    Files.createDirectories(dir);
    VFolderTransferBench b = new VFolderTransferBench(dir, xmx);
    try {
      b.start(jar);
      b.run(plan, v4plan, adapters);
    } finally {
      b.stop();
    }
  }

  private void start(Path jar) throws Exception {
    // the flags LocalServerManager starts it with (what `backend.ai local start` runs)
    List<String> cmd = List.of(
        javaBin,
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xss1m",
        "-Dfile.encoding=UTF-8",
        "-cp",
        jar.toString(),
        "ai.backend.local.Main",
        "--port",
        "0",
        "--state-dir",
        dir.resolve("state").toString());
    server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("export BACKEND_ENDPOINT=")) {
        endpoint = URI.create(line.substring(line.indexOf('=') + 1));
      } else if (line.startsWith("export BACKEND_ACCESS_KEY=")) {
        accessKey = line.substring(line.indexOf('=') + 1);
      } else if (line.startsWith("export BACKEND_SECRET_KEY=")) {
        secretKey = line.substring(line.indexOf('=') + 1);
        break;
      }
    }
    if (secretKey == null) {
      throw new IllegalStateException("the local server did not start");
    }
    Thread drain = new Thread(() -> {
      try {
        server.getInputStream().transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // the server went away
      }
    });
    drain.setDaemon(true);
    drain.start();
    signer = new BenchSigner(endpoint, accessKey, secretKey);
    rss.pid = server.pid();
    Thread t = new Thread(rss, "rss-sampler");
    t.setDaemon(true);
    t.start();
    System.out.printf(
        "local server pid %d at %s (%s), started %s%n", server.pid(), endpoint, jar, Instant.now());
  }

  private void stop() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
    deleteTree(dir);
  }

  private void run(String plan, String v4plan, List<String> adapters) throws Exception {
    signer.send("POST", "/folders", "{\"name\":\"" + FOLDER + "\"}");
    long[] idle = rss.now();
    System.out.printf(
        "server after start and folder create: VmRSS %.0f MiB, VmHWM %.0f MiB; load %s%n",
        idle[0] / 1024.0, idle[1] / 1024.0, load());
    List<String> report = new ArrayList<>();
    for (String step : plan.split(",")) {
      String[] p = step.split("x");
      report.addAll(sizeRun(CURRENT, Long.parseLong(p[0]), Integer.parseInt(p[1]), adapters));
    }
    if (!v4plan.equals("0")) {
      for (String step : v4plan.split(",")) {
        String[] p = step.split("x");
        report.addAll(sizeRun(V4, Long.parseLong(p[0]), Integer.parseInt(p[1]), adapters));
      }
    }
    long[] end = rss.now();
    System.out.println();
    System.out.println(
        "| Flow | Size | Side | Rounds | Upload MiB/s (median) | ratio to curl | Download MiB/s"
            + " (median) | ratio to curl | Client heap peak (max of rounds) | Server VmRSS during"
            + " (max) |");
    System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    report.forEach(System.out::println);
    System.out.printf(
        "%nserver at the end: VmRSS %.0f MiB, VmHWM %.0f MiB (after start: %.0f / %.0f); load %s%n",
        end[0] / 1024.0, end[1] / 1024.0, idle[0] / 1024.0, idle[1] / 1024.0, load());
    notes.forEach(System.out::println);
  }

  /** One size in one flow: the rounds, then one table row per side. */
  private List<String> sizeRun(String version, long mib, int rounds, List<String> adapters)
      throws Exception {
    long size = mib << 20;
    Path src = dir.resolve("src-" + mib + ".bin");
    write(src, size);
    List<String> sides = new ArrayList<>();
    sides.add("curl");
    sides.addAll(adapters);
    Map<String, List<double[]>> samples = new LinkedHashMap<>(); // side -> {up, down, heap, rss}
    for (String s : sides) {
      samples.put(s, new ArrayList<>());
    }
    String flow = version.equals(CURRENT) ? "storage proxy " + version : "v4 " + version;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < sides.size(); i++) {
        String side = sides.get((i + r) % sides.size()); // rotated: no side always first
        if (side.equals("curl") && version.equals(V4)) {
          continue; // no signed multipart with curl here: see docs/benchmarks.md
        }
        String remote = side + "-" + mib + "-" + r + ".bin";
        Path dst = dir.resolve("dst-" + side + ".bin");
        Files.deleteIfExists(dst);
        rss.resetPeak();
        double[] m = side.equals("curl")
            ? curl(src, remote, dst, size)
            : sdk(side, version, src, remote, dst, size);
        long[] now = rss.now();
        double[] row = {m[0], m[1], m[2], rss.peak() / 1024.0};
        samples.get(side).add(row);
        System.out.printf(
            Locale.ROOT,
            "%s %d MiB round %d %-6s up %6.1f MiB/s  down %6.1f MiB/s  heap peak %s  server VmRSS"
                + " peak %.0f MiB (now %.0f, HWM %.0f)  load %s%n",
            flow,
            mib,
            r + 1,
            side,
            m[0],
            m[1],
            m[2] < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", m[2]),
            row[3],
            now[0] / 1024.0,
            now[1] / 1024.0,
            load());
        Files.deleteIfExists(dst);
      }
    }
    Files.delete(src);
    List<String> out = new ArrayList<>();
    double curlUp = median(samples.get("curl"), 0);
    double curlDown = median(samples.get("curl"), 1);
    for (String side : sides) {
      List<double[]> l = samples.get(side);
      if (l.isEmpty()) {
        continue;
      }
      double up = median(l, 0);
      double down = median(l, 1);
      double heap = l.stream().mapToDouble(x -> x[2]).max().orElse(-1);
      double srv = l.stream().mapToDouble(x -> x[3]).max().orElse(-1);
      boolean isCurl = side.equals("curl");
      out.add(String.format(
          Locale.ROOT,
          "| %s | %d MiB | %s | %d | %.0f | %s | %.0f | %s | %s | %.0f MiB |",
          flow,
          mib,
          side,
          l.size(),
          up,
          isCurl || Double.isNaN(curlUp) ? "" : String.format(Locale.ROOT, "**%.2f**", up / curlUp),
          down,
          isCurl || Double.isNaN(curlDown)
              ? ""
              : String.format(Locale.ROOT, "**%.2f**", down / curlDown),
          heap < 0 ? "" : String.format(Locale.ROOT, "%.1f MiB of %s", heap, clientXmx),
          srv));
    }
    return out;
  }

  /** curl through the same tokens and URLs the SDK gets: {up MiB/s, down MiB/s, -1}. */
  private double[] curl(Path src, String remote, Path dst, long size) throws Exception {
    long t0 = System.nanoTime();
    JsonObject up = ticket("request-upload", "{\"path\":\"" + remote + "\",\"size\":" + size + "}");
    // -T streams the file (--data-binary @file would read all of it into memory first); no
    // Expect: 100-continue, which the SDK does not send either
    String code = exec(
        "curl",
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-X",
        "PATCH",
        "-T",
        src.toString(),
        "-H",
        "Expect:",
        "-H",
        "Tus-Resumable: 1.0.0",
        "-H",
        "Upload-Offset: 0",
        "-H",
        "Content-Type: application/offset+octet-stream",
        ticketUrl(up));
    long t1 = System.nanoTime();
    if (!code.equals("204")) {
      throw new IllegalStateException("curl PATCH answered " + code);
    }
    long t2 = System.nanoTime();
    JsonObject down = ticket("request-download", "{\"path\":\"" + remote + "\",\"archive\":false}");
    code = exec("curl", "-sS", "-o", dst.toString(), "-w", "%{http_code}", ticketUrl(down));
    long t3 = System.nanoTime();
    if (!code.equals("200") || Files.size(dst) != size) {
      throw new IllegalStateException("curl GET answered " + code + ", " + Files.size(dst) + " B");
    }
    signer.send("POST", "/folders/" + FOLDER + "/delete-files", "{\"files\":[\"" + remote + "\"]}");
    return new double[] {mibps(size, t1 - t0), mibps(size, t3 - t2), -1};
  }

  private JsonObject ticket(String action, String body) throws Exception {
    return JsonParser.parseString(signer.send("POST", "/folders/" + FOLDER + "/" + action, body))
        .getAsJsonObject();
  }

  private static String ticketUrl(JsonObject t) {
    return t.get("url").getAsString() + "?token=" + t.get("token").getAsString();
  }

  private static final Pattern RESULT = Pattern.compile(
      "RESULT .*bytes=(\\d+) up_ns=(\\d+) down_ns=(\\d+) sha_equal=(\\w+) resumes=(\\d+)"
          + " heap_peak=(\\d+)");

  /** The SDK in its own small JVM: {up MiB/s, down MiB/s, heap peak MiB}. */
  private double[] sdk(String adapter, String version, Path src, String remote, Path dst, long size)
      throws Exception {
    // "jdk64k": the JDK adapter with java.net.http's receive buffers at 64 KiB instead of 16 (a
    // JVM-wide property, so the user's choice, not the adapter's)
    boolean big = adapter.equals("jdk64k");
    String out = exec(
        javaBin,
        "-Xmx" + clientXmx,
        big ? "-Djdk.httpclient.bufsize=65536" : "-Dunused=",
        "-cp",
        System.getProperty("java.class.path"),
        VFolderHeapProbe.class.getName(),
        "--transfer",
        endpoint.toString(),
        accessKey,
        secretKey,
        big ? "jdk" : adapter,
        version,
        FOLDER,
        src.toString(),
        remote,
        dst.toString());
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("the SDK side failed:\n" + out);
    }
    if (Long.parseLong(m.group(1)) != size || !m.group(4).equals("true")) {
      throw new IllegalStateException("the SDK moved the wrong bytes: " + m.group());
    }
    if (!m.group(5).equals("0")) {
      notes.add(adapter + " " + version + " " + remote + ": " + m.group(5) + " resumes");
    }
    return new double[] {
      mibps(size, Long.parseLong(m.group(2))),
      mibps(size, Long.parseLong(m.group(3))),
      Long.parseLong(m.group(6)) / 1048576.0
    };
  }

  private static String exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(Arrays.toString(cmd) + " failed:\n" + out);
    }
    return out;
  }

  private static double mibps(long bytes, long nanos) {
    return bytes / 1048576.0 / (nanos / 1e9);
  }

  private static double median(List<double[]> l, int i) {
    if (l == null || l.isEmpty()) {
      return Double.NaN;
    }
    double[] v = l.stream().mapToDouble(x -> x[i]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static void write(Path p, long size) throws IOException {
    byte[] buf = new byte[1 << 20];
    new Random(1).nextBytes(buf);
    try (OutputStream out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= buf.length) {
        buf[0]++; // no two MiB alike
        out.write(buf, 0, (int) Math.min(left, buf.length));
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The server's VmRSS every 100 ms (KiB), and the highest since the last reset. */
  private static final class RssSampler implements Runnable {
    volatile long pid;
    private final AtomicLong peak = new AtomicLong();

    long[] now() {
      long rssKib = -1;
      long hwmKib = -1;
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            rssKib = kib(line);
          } else if (line.startsWith("VmHWM:")) {
            hwmKib = kib(line);
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
      return new long[] {rssKib, hwmKib};
    }

    private static long kib(String line) {
      return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    void resetPeak() {
      peak.set(now()[0]);
    }

    long peak() {
      return peak.accumulateAndGet(now()[0], Math::max);
    }

    @Override
    public void run() {
      while (true) {
        peak.accumulateAndGet(now()[0], Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
