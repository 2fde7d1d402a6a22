package ai.backend.client.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded default: a local-server process started in the background on first use and reused by
 * later commands. Its pid, port and keypair live in {@code <state dir>/server.json} (mode 0600); the
 * state dir is {@code $BACKEND_LOCAL_STATE_DIR} or {@code ~/.backend.ai/local}.
 */
public final class LocalServerManager {
  public static final String STATE_DIR_ENV = "BACKEND_LOCAL_STATE_DIR";
  public static final String JAVA_OPTS_ENV = "BACKEND_LOCAL_JAVA_OPTS";
  /**
   * The state dir, before {@link #STATE_DIR_ENV}, as system properties go before variables elsewhere in
   * the client; the CDS training run points it at a state dir of its own, whatever the environment says.
   */
  public static final String STATE_DIR_PROPERTY = "backendai.local.stateDir";

  static final String SERVER_MAIN = "ai.backend.local.Main";
  // Both only when a server is started: every other command reads server.json without reflection
  // and never seeds a SecureRandom (security providers), which keeps them off the start-up path.
  private static final class Writing {
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    static final SecureRandom RANDOM = new SecureRandom();
  }

  /** What {@code server.json} records. */
  public static final class State {
    public long pid;
    public int port;
    public String host = "127.0.0.1";
    public String endpoint;
    public String accessKey;
    public String secretKey;
    public String startedAt;
    public String log;
    /**
     * What this server answered to {@code GET /} when it was started ({@code version}, {@code manager}):
     * commands pin that API version instead of asking again (one round trip less per command).
     */
    public String apiVersion;

    public String manager;
  }

  private final Path dir;

  public LocalServerManager(Path dir) {
    this.dir = dir;
  }

  public static LocalServerManager fromEnvironment() {
    String d = System.getProperty(STATE_DIR_PROPERTY);
    if (d == null || d.isBlank()) {
      d = System.getenv(STATE_DIR_ENV);
    }
    Path dir = d != null && !d.isBlank()
        ? Path.of(d)
        : userHome().resolve(".backend.ai").resolve("local");
    return new LocalServerManager(dir.toAbsolutePath());
  }

  /**
   * {@code $HOME}, as every Unix tool and the official CLI read it; Java's {@code user.home} (from
   * the password database) only when {@code HOME} is unset or not an absolute path. CI jobs and
   * containers point {@code HOME} elsewhere and expect nothing to be written to the other one.
   */
  public static Path userHome() {
    String home = System.getenv("HOME");
    if (home != null && !home.isBlank() && home.startsWith("/")) {
      return Path.of(home);
    }
    return Path.of(System.getProperty("user.home"));
  }

  public Path dir() {
    return dir;
  }

  public Path stateFile() {
    return dir.resolve("server.json");
  }

  public Path logFile() {
    return dir.resolve("server.log");
  }

  /** The recorded state if that server is alive and its port accepts connections. */
  public Optional<State> running() {
    Optional<State> s = readState();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    State st = s.get();
    boolean alive = pidAlive(st.pid);
    return alive && portAnswers(st.host, st.port, 500) ? s : Optional.empty();
  }

  /** Starts the server unless a live one is recorded; returns it and whether it was started now. */
  public Started ensureRunning() {
    Optional<State> s = running();
    if (s.isPresent()) {
      return new Started(s.get(), false);
    }
    try {
      Files.createDirectories(dir);
      restrict(dir, "rwx------");
      try (FileChannel ch = FileChannel.open(
              dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        s = running(); // another CLI may have started it while we waited for the lock
        if (s.isPresent()) {
          return new Started(s.get(), false);
        }
        return new Started(start(), true);
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCode.CONFIG, "cannot prepare the local server state in " + dir + ": " + e, e);
    }
  }

  /** Whether the server was started by this call. */
  public record Started(State state, boolean fresh) {}

  private State start() throws IOException {
    State previous = readState().orElse(null);
    stopRecorded(previous); // a stale record: its process may still be half-alive
    State st = new State();
    // keep the keypair stable across restarts so exported variables keep working
    st.accessKey = previous != null && previous.accessKey != null
        ? previous.accessKey
        : "AKIA" + randomKey(16, true);
    st.secretKey =
        previous != null && previous.secretKey != null ? previous.secretKey : randomKey(40, false);
    st.log = logFile().toString();
    Path log = logFile();
    if (!Files.exists(log)) {
      Files.createFile(log);
    }
    restrict(log, "rw-------"); // the server prints its keypair there
    IOException lastFailure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      st.port = freePort();
      st.endpoint = "http://" + st.host + ":" + st.port;
      List<String> cmd = new ArrayList<>();
      if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
        cmd.add("setsid"); // own session: a Ctrl-C in the terminal must not reach the server
      }
      cmd.add(javaBinary());
      String opts = System.getenv(JAVA_OPTS_ENV);
      if (opts != null && !opts.isBlank()) {
        cmd.addAll(List.of(opts.trim().split("\\s+")));
      } else {
        cmd.addAll(List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m", "-Dfile.encoding=UTF-8"));
      }
      cmd.addAll(List.of(
          "-cp",
          serverClassPath(),
          SERVER_MAIN,
          "--port",
          Integer.toString(st.port),
          "--access-key",
          st.accessKey,
          "--state-dir",
          dir.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true);
      // in the environment, not on the command line: any user can read another's command line in ps
      pb.environment().put("BACKEND_LOCAL_SECRET_KEY", st.secretKey);
      Files.writeString(
          log,
          "--- " + Instant.now() + " starting local server on port " + st.port + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process p = pb.start();
      st.pid = p.pid();
      st.startedAt = Instant.now().toString();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          break;
        }
        String root = httpRoot(st.host, st.port);
        if (root != null) {
          recordVersion(st, root);
          writeState(st);
          return st;
        }
        sleep(50);
      }
      if (p.isAlive()) {
        p.destroyForcibly();
        throw new CliException(
            ExitCode.CONFIG, "the local server did not answer within 60 s; see " + log);
      }
      lastFailure = new IOException("exit code " + p.exitValue());
      if (!tail(log).contains("ddress already in use")) {
        break;
      }
    }
    throw new CliException(
        ExitCode.CONFIG,
        "the local server failed to start (" + lastFailure.getMessage() + "); see " + log
            + (tail(log).isBlank() ? "" : ":\n" + tail(log).strip()));
  }

  /** Stops the recorded server; returns the state that was stopped, if any. */
  public Optional<State> stop() {
    Optional<State> s = readState();
    s.ifPresent(LocalServerManager::stopRecorded);
    try {
      Files.deleteIfExists(stateFile());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE, "cannot remove " + stateFile() + ": " + e.getMessage(), e);
    }
    return s.filter(st -> st.pid > 0);
  }

  private static void stopRecorded(State st) {
    if (st == null || st.pid <= 0) {
      return;
    }
    ProcessHandle.of(st.pid).filter(LocalServerManager::looksLikeServer).ifPresent(ph -> {
      ph.destroy();
      try {
        ph.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        ph.destroyForcibly();
      }
    });
  }

  /** Guards against a recycled pid: the command line (when visible) must name the server. */
  private static boolean looksLikeServer(ProcessHandle ph) {
    return ph.info()
        .commandLine()
        .or(() -> ph.info().arguments().map(a -> String.join(" ", a)))
        .map(c -> c.contains(SERVER_MAIN))
        .orElse(true);
  }

  /** {@code server.json} by hand (a JSON tree, no reflective type adapter): read by every command. */
  static State parseState(String json) {
    com.google.gson.JsonElement root = com.google.gson.JsonParser.parseString(json);
    if (!root.isJsonObject()) {
      return null;
    }
    com.google.gson.JsonObject o = root.getAsJsonObject();
    State st = new State();
    st.pid = o.has("pid") && !o.get("pid").isJsonNull() ? o.get("pid").getAsLong() : 0;
    st.port = o.has("port") && !o.get("port").isJsonNull() ? o.get("port").getAsInt() : 0;
    String host = string(o, "host");
    if (host != null) {
      st.host = host;
    }
    st.endpoint = string(o, "endpoint");
    st.accessKey = string(o, "accessKey");
    st.secretKey = string(o, "secretKey");
    st.startedAt = string(o, "startedAt");
    st.log = string(o, "log");
    st.apiVersion = string(o, "apiVersion");
    st.manager = string(o, "manager");
    return st;
  }

  /** The {@code version} and {@code manager} of a {@code GET /} body, when it has them. */
  static void recordVersion(State st, String rootBody) {
    try {
      com.google.gson.JsonElement root = com.google.gson.JsonParser.parseString(rootBody);
      if (root.isJsonObject()) {
        com.google.gson.JsonObject o = root.getAsJsonObject();
        st.apiVersion = string(o, "version");
        st.manager = string(o, "manager");
      }
    } catch (RuntimeException e) {
      // not recorded: commands negotiate as usual
    }
  }

  private static String string(com.google.gson.JsonObject o, String key) {
    com.google.gson.JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  /**
   * Whether process {@code pid} exists: {@code /proc/PID} where there is a {@code /proc} (one stat,
   * where {@link ProcessHandle} would first start its reaper thread pool), else {@link ProcessHandle}.
   */
  static boolean pidAlive(long pid) {
    if (pid <= 0) {
      return false;
    }
    if (Files.isDirectory(Path.of("/proc/self"))) {
      return Files.isDirectory(Path.of("/proc/" + pid));
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  public Optional<State> readState() {
    Path f = stateFile();
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(parseState(Files.readString(f, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void writeState(State st) throws IOException {
    Path tmp = dir.resolve("server.json.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    restrict(tmp, "rw-------");
    Files.writeString(tmp, Writing.GSON.toJson(st) + "\n", StandardCharsets.UTF_8);
    Files.move(
        tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void restrict(Path p, String perms) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing more to do
    }
  }

  static boolean portAnswers(String host, int port, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The body of a raw {@code GET /} (no HTTP stack needed) answered with a 200, else null. */
  static String httpRoot(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      s.setSoTimeout(2000);
      OutputStream o = s.getOutputStream();
      o.write(("GET / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[12];
      int n = in.readNBytes(buf, 0, 12);
      if (n != 12 || !new String(buf, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
        return null;
      }
      String rest = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      int body = rest.indexOf("\r\n\r\n");
      return body < 0 ? "" : rest.substring(body + 4);
    } catch (IOException e) {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** File name of the server's jar, next to {@code backend.ai-cli.jar} (which leaves the server out). */
  public static final String SERVER_JAR = "backend.ai-local-server.jar";

  /**
   * The class path of the local server process: this process's own class path when the server's
   * classes are on it (tests, IDE runs), else {@value #SERVER_JAR} next to the CLI jar. The CLI jar
   * leaves the server (Jetty, GraphQL) out so that every command opens a small jar.
   */
  public static String serverClassPath() {
    if (LocalServerManager.class
            .getClassLoader()
            .getResource(SERVER_MAIN.replace('.', '/') + ".class")
        != null) {
      return System.getProperty("java.class.path");
    }
    try {
      Path self = Path.of(LocalServerManager.class
          .getProtectionDomain()
          .getCodeSource()
          .getLocation()
          .toURI());
      Path jar = self.resolveSibling(SERVER_JAR);
      if (Files.isRegularFile(jar)) {
        return jar.toString();
      }
      throw new CliException(
          ExitCode.CONFIG,
          "the local server is not installed: " + jar + " is missing"
              + " (rebuild with BACKEND_CLI_REBUILD=1)");
    } catch (java.net.URISyntaxException | RuntimeException e) {
      if (e instanceof CliException c) {
        throw c;
      }
      throw new CliException(
          ExitCode.CONFIG, "cannot locate " + SERVER_JAR + ": " + e.getMessage());
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String randomKey(int len, boolean upper) {
    String alphabet = upper
        ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(alphabet.charAt(Writing.RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.INTERRUPTED, "interrupted while starting the local server");
    }
  }
}
