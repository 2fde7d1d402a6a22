package ai.backend.client.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The training run the launcher records the class-data sharing archive with ({@code --cds-training}):
 * renders every help page and drives {@code ps}, {@code run} and {@code terminate} against a canned
 * in-process HTTP server, so the archive holds the classes of real commands, not only of the first
 * command a user happened to type. Nothing leaves the machine; output is discarded.
 */
final class CdsTraining {
  /** Where to write the root usage text ({@link RootUsage}), set by the launcher. */
  static final String USAGE_OUT_PROPERTY = "backendai.cli.usageFile.out";

  private CdsTraining() {}

  static int run() throws IOException {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Term quietTerm = System.getenv("BACKEND_CDS_TRAINING_VERBOSE") != null
        ? Term.system()
        : new Term(sink, sink, false);
    Cli cli = new Cli(quietTerm, "backend.ai");
    String usageOut = System.getProperty(USAGE_OUT_PROPERTY);
    if (usageOut != null) {
      RootUsage.write(Path.of(usageOut), RootUsage.render(cli));
    }
    String providersOut = System.getProperty(RecordedProviders.OUT_PROPERTY);
    if (providersOut != null) {
      RecordedProviders.write(Path.of(providersOut));
    }
    CommandLine all = Main.commandLine(cli);
    all.usage(sink);
    for (CommandLine sub : all.getSubcommands().values()) {
      sub.usage(sink);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", CdsTraining::answer);
    server.start();
    try {
      System.setProperty(
          "backendai.endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
      System.setProperty("backendai.accessKey", "AKIATRAININGKEY00000");
      System.setProperty("backendai.secretKey", "training-secret-key-that-is-not-used-anywhere");
      String[][] runs = {
        {"--help"},
        {"ps"},
        {"ps", "--output", "json"},
        {"config"},
        {"run", "python", "-c", "print('hello world')"},
        {"run", "--rm", "-t", "training", "python", "-c", "print(1)", "--output", "json"},
        {"terminate", "training"},
        {"nosuchcommand"}
      };
      for (String[] args : runs) {
        run(args, quietTerm);
      }
      trainLocal(server.getAddress().getPort(), quietTerm);
    } finally {
      server.stop(0);
    }
    return 0;
  }

  private static void run(String[] args, Term term) {
    try {
      Main.run(args, term);
    } catch (RuntimeException ignored) {
      // a canned answer the SDK disliked: the classes loaded so far still count
    }
  }

  /**
   * {@code ps} without an endpoint, as most commands run: the local server looked up in a state dir of
   * this run's own (server.json naming this process and the canned server), never the user's. Skipped if
   * that record does not check out, so that training can never start a real server. The state dir is
   * named by a system property (restored afterwards), which goes before {@code BACKEND_LOCAL_STATE_DIR}.
   */
  private static void trainLocal(int port, Term term) throws IOException {
    Path dir = Files.createTempDirectory("backendai-cds-training");
    try {
      Files.writeString(
          dir.resolve("server.json"),
          "{\"pid\": " + ProcessHandle.current().pid()
              + ", \"port\": " + port
              + ", \"host\": \"127.0.0.1\", \"endpoint\": \"http://127.0.0.1:" + port
              + "\", \"accessKey\": \"AKIATRAININGKEY00000\", \"secretKey\": \"training-secret-key\","
              + " \"apiVersion\": \"v9.20250722\", \"manager\": \"26.0.0\"}\n",
          StandardCharsets.UTF_8);
      String previous = System.setProperty(LocalServerManager.STATE_DIR_PROPERTY, dir.toString());
      System.clearProperty("backendai.endpoint");
      System.clearProperty("backendai.accessKey");
      System.clearProperty("backendai.secretKey");
      try {
        if (System.getenv("BACKEND_ENDPOINT") == null
            && System.getenv("SORNA_ENDPOINT") == null
            && LocalServerManager.fromEnvironment().dir().equals(dir.toAbsolutePath())
            && new LocalServerManager(dir).running().isPresent()) {
          run(new String[] {"ps"}, term);
          run(new String[] {"ps", "--output", "json"}, term);
        }
      } finally {
        if (previous == null) {
          System.clearProperty(LocalServerManager.STATE_DIR_PROPERTY);
        } else {
          System.setProperty(LocalServerManager.STATE_DIR_PROPERTY, previous);
        }
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    ex.getRequestBody().readAllBytes();
    String body;
    if (path.equals("/") || path.isEmpty()) {
      body = "{\"version\":\"v9.20250722\",\"manager\":\"26.0.0\"}";
    } else if (path.startsWith("/admin/")) {
      body =
          "{\"data\":{\"compute_session_list\":{\"items\":[{\"name\":\"training\",\"id\":\"0\",\"image\":\"python\","
              + "\"type\":\"INTERACTIVE\",\"status\":\"RUNNING\",\"status_info\":null,\"created_at\":\"2026-01-01T00:00:00Z\"}],"
              + "\"total_count\":1}}}";
    } else if (path.equals("/session") && method.equals("POST")) {
      body = "{\"sessionId\":\"00000000-0000-0000-0000-000000000000\",\"sessionName\":\"training\","
          + "\"status\":\"RUNNING\",\"servicePorts\":[],\"created\":true}";
    } else if (method.equals("POST")) {
      body = "{\"result\":{\"runId\":\"r1\",\"status\":\"finished\",\"exitCode\":0,"
          + "\"console\":[[\"stdout\",\"1\\n\"]],\"options\":null,\"files\":null}}";
    } else if (method.equals("DELETE")) {
      body = "{\"stats\":{}}";
    } else {
      body = "{}";
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    // the headers local-server sends: HttpClient parses both into header elements, whose classes
    // would
    // otherwise be loaded from the jar on every command
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Keep-Alive", "timeout=590");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }
}
