package ai.backend.local;

import ai.backend.local.engine.KernelLimits;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Command-line entry point: {@code java -jar local-server.jar [options]}. */
public final class Main {
  private static final String USAGE = String.join(
      "\n",
      "Usage: java -jar local-server.jar [options]",
      "",
      "A local Backend.AI-compatible server for development. Code runs as local processes",
      "with YOUR OWN user privileges: there is no isolation. Use a real Backend.AI cluster",
      "for untrusted code.",
      "",
      "Options:",
      "  --host H               address to bind (default 127.0.0.1)",
      "  --port N               port to listen on (default 8081; 0 = any free port)",
      "  --access-key AK        access key (with --secret-key; default: stored keypair)",
      "  --secret-key SK        secret key (or the environment variable BACKEND_LOCAL_SECRET_KEY, which,",
      "                         unlike the command line, other users cannot read)",
      "  --state-dir DIR        state directory (default ~/.backend.ai/local); holds keypair.json",
      "  --api-version V        version announced by GET / (default "
          + LocalServer.DEFAULT_API_VERSION + ")",
      "  --idle-timeout SECONDS destroy sessions idle this long (default 1800; 0 = never)",
      "  --max-sessions N       live sessions per access key (default 30)",
      "  --run-timeout SECONDS  wall time of one run before exec-timeout (default 600)",
      "  --max-download-bytes N largest download, all files of a request together",
      "                         (default " + LocalServer.DEFAULT_MAX_DOWNLOAD_BYTES + ")",
      "  --binary-stream-frames send terminal/streaming-execute JSON as binary WebSocket frames",
      "                         (managers since 25.6; default: text frames as before 25.6)",
      "  --help                 show this help");

  private Main() {}

  /** Parsed options. */
  record Options(
      String host,
      int port,
      String accessKey,
      String secretKey,
      Path stateDir,
      String apiVersion,
      long idleTimeoutSeconds,
      int maxSessions,
      long runTimeoutSeconds,
      boolean binaryStreamFrames,
      long maxDownloadBytes,
      boolean help) {}

  /** Thrown for a bad command line; the message is printed as one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      System.err.println("local-server: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    if (o.help()) {
      System.out.println(USAGE);
      return;
    }
    System.exit(run(o, System.out, System.err));
  }

  static int run(Options o, PrintStream out, PrintStream err) {
    String ak = o.accessKey();
    String sk = o.secretKey();
    try {
      Files.createDirectories(o.stateDir());
      if (ak == null) {
        String[] kp = loadOrCreateKeypair(o.stateDir().resolve("keypair.json"));
        ak = kp[0];
        sk = kp[1];
      }
    } catch (IOException | RuntimeException e) {
      err.println(
          "local-server: cannot use state directory " + o.stateDir() + ": " + e.getMessage());
      return 1;
    }
    KernelLimits d = KernelLimits.defaults();
    LocalServer server;
    try {
      server = LocalServer.builder()
          .host(o.host())
          .port(o.port())
          .accessKey(ak)
          .secretKey(sk)
          .stateDir(o.stateDir())
          .apiVersion(o.apiVersion())
          .idleTimeout(Duration.ofSeconds(o.idleTimeoutSeconds()))
          .maxSessionsPerKey(o.maxSessions())
          .maxDownloadBytes(o.maxDownloadBytes())
          .limits(new KernelLimits(
              Duration.ofSeconds(o.runTimeoutSeconds()), d.memoryBytes(), d.maxOutputBytes()))
          .binaryStreamFrames(o.binaryStreamFrames())
          .start();
    } catch (RuntimeException e) {
      err.println("local-server: " + e.getMessage());
      return 1;
    }
    if (!isLoopback(o.host())) {
      err.println("WARNING: listening on a non-loopback address (" + o.host()
          + "): anyone who has the keypair "
          + "can run code on this machine with your user's privileges.");
    }
    out.println("Backend.AI local server listening on " + server.uri());
    out.println("Code runs as local processes with your own user privileges (no isolation).");
    out.println("export BACKEND_ENDPOINT=" + server.uri());
    out.println("export BACKEND_ACCESS_KEY=" + server.accessKey());
    out.println("export BACKEND_SECRET_KEY=" + server.secretKey());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "local-server-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code $HOME} as Unix tools read it; {@code user.home} (the password database's) only when
   * {@code HOME} is unset or not absolute.
   */
  static Path userHome() {
    String home = System.getenv("HOME");
    if (home != null && !home.isBlank() && home.startsWith("/")) {
      return Path.of(home);
    }
    return Path.of(System.getProperty("user.home"));
  }

  /** Where the secret key may come from instead of {@code --secret-key} (not visible in {@code ps}). */
  static final String SECRET_KEY_ENV = "BACKEND_LOCAL_SECRET_KEY";

  static Options parse(String[] args) throws UsageException {
    String host = "127.0.0.1";
    int port = 8081;
    String ak = null;
    String sk = null;
    Path stateDir = userHome().resolve(".backend.ai").resolve("local");
    String apiVersion = LocalServer.DEFAULT_API_VERSION;
    long idle = 1800;
    int maxSessions = 30;
    long runTimeout = 600;
    boolean binaryFrames = false;
    long maxDownload = LocalServer.DEFAULT_MAX_DOWNLOAD_BYTES;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      if (name.equals("--help") || name.equals("-h")) {
        help = true;
        continue;
      }
      if (name.equals("--binary-stream-frames")) {
        if (inline != null) {
          throw new UsageException("--binary-stream-frames takes no value");
        }
        binaryFrames = true;
        continue;
      }
      String v;
      if (inline != null) {
        v = inline;
      } else if (i + 1 < args.length && isOption(name)) {
        v = args[++i];
      } else if (isOption(name)) {
        throw new UsageException("option " + name + " needs a value");
      } else {
        throw new UsageException("unknown option " + a);
      }
      switch (name) {
        case "--host" -> host = nonEmpty(name, v);
        case "--port" -> port = (int) number(name, v, 0, 65535);
        case "--access-key" -> ak = nonEmpty(name, v);
        case "--secret-key" -> sk = nonEmpty(name, v);
        case "--state-dir" -> stateDir = Path.of(nonEmpty(name, v));
        case "--api-version" -> {
          if (!v.matches("v\\d+\\.\\d{8}")) {
            throw new UsageException("--api-version must look like v9.20250722");
          }
          apiVersion = v;
        }
        case "--idle-timeout" -> idle = number(name, v, 0, Long.MAX_VALUE / 1000);
        case "--max-sessions" -> maxSessions = (int) number(name, v, 1, 100_000);
        case "--max-download-bytes" -> maxDownload = number(name, v, 1, Long.MAX_VALUE);
        case "--run-timeout" -> runTimeout = number(name, v, 1, Long.MAX_VALUE / 1000);
        default -> throw new UsageException("unknown option " + name);
      }
    }
    if (ak != null && sk == null) {
      String fromEnv = System.getenv(SECRET_KEY_ENV);
      if (fromEnv != null && !fromEnv.isEmpty()) {
        sk = fromEnv;
      }
    }
    if ((ak == null) != (sk == null)) {
      throw new UsageException("--access-key and --secret-key go together");
    }
    return new Options(
        host,
        port,
        ak,
        sk,
        stateDir,
        apiVersion,
        idle,
        maxSessions,
        runTimeout,
        binaryFrames,
        maxDownload,
        help);
  }

  private static boolean isOption(String name) {
    return switch (name) {
      case "--host",
          "--port",
          "--access-key",
          "--secret-key",
          "--state-dir",
          "--api-version",
          "--idle-timeout",
          "--max-sessions",
          "--run-timeout",
          "--max-download-bytes" -> true;
      default -> false;
    };
  }

  private static String nonEmpty(String name, String v) throws UsageException {
    if (v.isEmpty()) {
      throw new UsageException(name + " must not be empty");
    }
    return v;
  }

  private static long number(String name, String v, long min, long max) throws UsageException {
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw new UsageException(name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a number, got '" + v + "'");
    }
  }

  /** Reads {@code {"access_key","secret_key"}} or creates it with mode 0600. */
  static String[] loadOrCreateKeypair(Path file) throws IOException {
    if (Files.exists(file)) {
      JsonObject o =
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      return new String[] {
        o.get("access_key").getAsString(), o.get("secret_key").getAsString()
      };
    }
    JsonObject o = new JsonObject();
    o.addProperty("access_key", LocalServer.randomAccessKey());
    o.addProperty("secret_key", LocalServer.randomSecretKey());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, new Gson().toJson(o) + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
      return loadOrCreateKeypair(file);
    }
    return new String[] {o.get("access_key").getAsString(), o.get("secret_key").getAsString()};
  }
}
