package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.engine.ProcessExecutionEngine;
import ai.backend.testsupport.RequiresToolchain;
import ai.backend.testsupport.Toolchain;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every README command of the CLI, run through the packaged launcher as a separate process against an
 * in-process local server. Each test terminates the sessions it leaves and stops what it started.
 */
class CliEndToEndTest {
  static final String C_ONE_LINER = "#include <stdio.h>\nint main() {printf(\"hello world\\n\");}";
  static final String MAIN_C = """
      #include <stdio.h>
      #include "mylib.h"

      int main() {
          char name[64];
          printf("myvalue is %d\\n", myvalue());
          printf("your name? ");
          fflush(stdout);
          if (scanf("%63s", name) != 1) return 1;
          printf("hello, %s!\\n", name);
          return 0;
      }
      """;
  static final String MYLIB_C = "#include \"mylib.h\"\nint myvalue() { return 42; }\n";
  static final String MYLIB_H = "int myvalue();\n";

  @RegisterExtension
  static final CliServerExtension server = new CliServerExtension();

  Launcher cli;

  @BeforeEach
  void setUp(Launcher launcher) {
    cli = launcher;
  }

  /** Exactly one failure line, no stack trace (status lines before it are fine). */
  static void assertOneLineError(Launcher.Result r) {
    String err = r.stderr().strip();
    assertEquals(
        1,
        err.lines().filter(l -> l.startsWith("\u2718 ")).count(),
        "one failure line expected:\n" + r);
    assertTrue(err.lines().reduce((a, b) -> b).orElse("").startsWith("\u2718 "), r.toString());
    assertFalse(err.contains("\tat ") || err.contains("Exception:"), r.toString());
  }

  @Test
  void runPythonHelloWorld() throws Exception {
    Launcher.Result r = cli.cli("run", "python", "-c", "print('hello world')");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("hello world\n", r.stdout());
    assertTrue(r.stderr().contains("\u2714 Session "), r.toString());
    assertTrue(r.stderr().contains("\u2714 Finished. (exit code = 0)"), r.toString());
  }

  @Test
  void runOutputJsonIsParseable() throws Exception {
    Launcher.Result r =
        cli.cli("run", "--rm", "python", "-c", "print('hello world')", "--output", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonObject o = JsonParser.parseString(r.stdout()).getAsJsonObject();
    assertEquals("hello world\n", o.get("stdout").getAsString());
    assertEquals(0, o.get("exitCode").getAsInt());
    assertEquals("finished", o.get("status").getAsString());
    assertTrue(o.get("terminated").getAsBoolean());
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void runCOneLiner() throws Exception {
    Launcher.Result r = cli.cli("run", "c", "-c", C_ONE_LINER);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("hello world\n", r.stdout());
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void runCFilesWithNamePrompt(@TempDir Path src) throws Exception {
    writeSeedFiles(src);
    Launcher.Result r =
        cli.in(src).run("backend.ai", "LABLUP\n", "run", "c", "main.c", "mylib.c", "mylib.h");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("myvalue is 42"), r.toString());
    assertTrue(r.stdout().contains("your name? "), r.toString());
    assertTrue(r.stdout().contains("hello, LABLUP!"), r.toString());
    assertTrue(r.stderr().contains("\u2714 Uploading done."), r.toString());
    assertTrue(r.stderr().contains("\u2714 Build finished. (exit code = 0)"), r.toString());
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void lccAndLpython(@TempDir Path src) throws Exception {
    writeSeedFiles(src);
    Launcher.Result c = cli.in(src).run("lcc", "Java\n", "main.c", "mylib.c", "mylib.h");
    assertEquals(0, c.exitCode(), c.toString());
    assertTrue(c.stdout().contains("hello, Java!"), c.toString());
    Launcher.Result p = cli.run("lpython", null, "-c", "print(6 * 7)");
    assertEquals(0, p.exitCode(), p.toString());
    assertEquals("42\n", p.stdout());
  }

  @Test
  void rmTerminatesTheSession() throws Exception {
    Launcher.Result r = cli.cli("run", "--rm", "-t", "rm-test", "python", "-c", "print('bye')");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("\u2714 Session rm-test terminated."), r.toString());
    Launcher.Result ps = cli.cli("ps", "--output", "json");
    assertFalse(ps.stdout().contains("\"rm-test\""), ps.toString());
  }

  @Test
  void namedSessionKeepsStateAndPsListsIt() throws Exception {
    assertEquals(0, cli.cli("run", "-t", "mysession", "python", "-c", "x = 20").exitCode());
    Launcher.Result again = cli.cli("run", "-t", "mysession", "python", "-c", "print(x + 22)");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals("42\n", again.stdout());
    assertTrue(again.stderr().contains("Reusing session mysession"), again.toString());

    Launcher.Result table = cli.cli("ps");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.stdout().startsWith("Name"), table.toString());
    assertTrue(table.stdout().contains("mysession"), table.toString());

    Launcher.Result json = cli.cli("ps", "--output", "json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonObject o = JsonParser.parseString(json.stdout()).getAsJsonObject();
    JsonArray items = o.getAsJsonArray("items");
    boolean found = false;
    for (JsonElement e : items) {
      JsonObject s = e.getAsJsonObject();
      if (s.get("name").getAsString().equals("mysession")) {
        found = true;
        assertEquals("RUNNING", s.get("status").getAsString());
      }
    }
    assertTrue(found, json.toString());
    assertEquals(items.size(), o.get("count").getAsInt());

    Launcher.Result term = cli.cli("terminate", "mysession");
    assertEquals(0, term.exitCode(), term.toString());
    assertTrue(term.stderr().contains("\u2714 Done."), term.toString());
    Launcher.Result twice = cli.cli("terminate", "mysession");
    assertEquals(66, twice.exitCode(), twice.toString());
  }

  @Test
  void programExitCodeIsPropagated() throws Exception {
    Launcher.Result r = cli.cli("run", "--rm", "python", "-c", "import sys; sys.exit(3)");
    assertEquals(3, r.exitCode(), r.toString());
  }

  @Test
  void usageErrorsExitWith2() throws Exception {
    Launcher.Result noImage = cli.cli("run");
    assertEquals(2, noImage.exitCode(), noImage.toString());
    Launcher.Result noCode = cli.cli("run", "python");
    assertEquals(2, noCode.exitCode(), noCode.toString());
    assertOneLineError(noCode);
    Launcher.Result unknown = cli.cli("frobnicate");
    assertEquals(2, unknown.exitCode(), unknown.toString());
  }

  @Test
  void wrongSecretIsAnAuthenticationError() throws Exception {
    Launcher.Result r = server
        .launcher()
        .env("BACKEND_SECRET_KEY", "not-the-secret-key-at-all-0000000000000")
        .cli("run", "--rm", "python", "-c", "print(1)");
    assertEquals(77, r.exitCode(), r.toString());
    assertOneLineError(r);
  }

  @Test
  void unreachableEndpointIsAConnectionError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Launcher.Result r =
        server.launcher().env("BACKEND_ENDPOINT", "http://127.0.0.1:" + port).cli("ps");
    assertEquals(75, r.exitCode(), r.toString());
    assertOneLineError(r);
  }

  /** The transport is discovered on a second thread: its choice and its error reach the command. */
  @Test
  void transportNamedByTheEnvironmentIsUsedOrRefused() throws Exception {
    Launcher.Result jdk = server.launcher().env("BACKEND_TRANSPORT", "jdk").cli("ps");
    assertEquals(0, jdk.exitCode(), jdk.toString());
    Launcher.Result unknown =
        server.launcher().env("BACKEND_TRANSPORT", "netty").cli("ps");
    assertEquals(78, unknown.exitCode(), unknown.toString());
    assertOneLineError(unknown);
    assertTrue(
        unknown.stderr().contains("transport 'netty' not found; available: apache-httpclient5"),
        unknown.toString());
  }

  @Test
  void configMasksTheSecret() throws Exception {
    Launcher.Result r = cli.cli("config");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains(CliServerExtension.ACCESS_KEY), r.toString());
    assertFalse(r.stdout().contains(CliServerExtension.SECRET_KEY), r.toString());
    Launcher.Result json = cli.cli("config", "--output", "json");
    JsonObject o = JsonParser.parseString(json.stdout()).getAsJsonObject();
    assertEquals(
        server.uri().toString().replaceAll("/$", ""),
        o.get("endpoint").getAsString().replaceAll("/$", ""));
    assertFalse(o.get("secret_key").getAsString().contains(CliServerExtension.SECRET_KEY));
  }

  @Test
  void proxyServesPlainUnsignedHttp() throws Exception {
    Process proxy = cli.start("backend.ai", "proxy", "-p", "0");
    try {
      BufferedReader err =
          new BufferedReader(new InputStreamReader(proxy.getErrorStream(), StandardCharsets.UTF_8));
      String line = err.readLine();
      assertTrue(
          line != null
              && line.startsWith("\u2219 Starting an insecure API proxy at http://127.0.0.1:"),
          String.valueOf(line));
      Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(line);
      assertTrue(m.find());
      String base = "http://127.0.0.1:" + m.group(1);
      HttpClient http =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      HttpResponse<String> root = http.send(
          HttpRequest.newBuilder(URI.create(base + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, root.statusCode(), root.body());
      assertTrue(JsonParser.parseString(root.body()).getAsJsonObject().has("version"));

      HttpResponse<String> created = http.send(
          HttpRequest.newBuilder(URI.create(base + "/session"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"name\":\"proxy-test\",\"image\":\"python\",\"config\":{}}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(
          created.statusCode() == 200 || created.statusCode() == 201,
          created.statusCode() + " " + created.body());

      String body = "{\"mode\":\"query\",\"code\":\"print(6 * 7)\",\"runId\":null,\"run_id\":null}";
      StringBuilder stdout = new StringBuilder();
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> ex = http.send(
            HttpRequest.newBuilder(URI.create(base + "/session/proxy-test"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ex.statusCode(), ex.body());
        JsonObject result =
            JsonParser.parseString(ex.body()).getAsJsonObject().getAsJsonObject("result");
        for (JsonElement item : result.getAsJsonArray("console")) {
          if (item.getAsJsonArray().get(0).getAsString().equals("stdout")) {
            stdout.append(item.getAsJsonArray().get(1).getAsString());
          }
        }
        if (!result.get("status").getAsString().equals("continued")) {
          break;
        }
        String runId = result.get("runId").getAsString();
        body = "{\"mode\":\"continue\",\"code\":\"\",\"runId\":\"" + runId + "\",\"run_id\":\""
            + runId + "\"}";
      }
      assertEquals("42\n", stdout.toString());

      // a WebSocket through the proxy (unsigned here, signed by the proxy): streaming execute, spec
      // §8.2
      java.util.concurrent.LinkedBlockingQueue<String> frames =
          new java.util.concurrent.LinkedBlockingQueue<>();
      java.util.concurrent.CompletableFuture<Integer> wsClosed =
          new java.util.concurrent.CompletableFuture<>();
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .buildAsync(
              URI.create("ws://127.0.0.1:" + m.group(1) + "/stream/session/proxy-test/execute"),
              new java.net.http.WebSocket.Listener() {
                final StringBuilder part = new StringBuilder();

                @Override
                public java.util.concurrent.CompletionStage<?> onText(
                    java.net.http.WebSocket w, CharSequence data, boolean last) {
                  part.append(data);
                  if (last) {
                    frames.add(part.toString());
                    part.setLength(0);
                  }
                  w.request(1);
                  return null;
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    java.net.http.WebSocket w, int code, String reason) {
                  wsClosed.complete(code);
                  return null;
                }
              })
          .get(10, TimeUnit.SECONDS);
      ws.sendText("{\"mode\":\"query\",\"code\":\"print(6 * 7 + 1)\",\"options\":{}}", true);
      StringBuilder streamed = new StringBuilder();
      String status = "";
      while (!status.equals("finished")) {
        String f = frames.poll(20, TimeUnit.SECONDS);
        assertTrue(f != null, "no frame through the proxy's WebSocket relay");
        JsonObject frame = JsonParser.parseString(f).getAsJsonObject();
        status = frame.get("status").getAsString();
        for (JsonElement item : frame.getAsJsonArray("console")) {
          if (item.getAsJsonArray().get(0).getAsString().equals("stdout")) {
            streamed.append(item.getAsJsonArray().get(1).getAsString());
          }
        }
      }
      assertEquals("43\n", streamed.toString());
      assertEquals(1000, wsClosed.get(10, TimeUnit.SECONDS));

      HttpResponse<String> deleted = http.send(
          HttpRequest.newBuilder(URI.create(base + "/session/proxy-test"))
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(deleted.statusCode() < 300, deleted.statusCode() + " " + deleted.body());
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
  }

  @Test
  void ctrlCInterruptsTheRunAndExitsWith130() throws Exception {
    Process p = cli.start(
        "backend.ai",
        "run",
        "--rm",
        "-t",
        "ctrlc-test",
        "python",
        "-c",
        "import time\nfor i in range(600):\n    print(i, flush=True)\n    time.sleep(0.1)");
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("0", out.readLine()); // the program runs
      assertEquals(
          0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running after Ctrl-C");
      assertEquals(130, p.exitValue());
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(err.contains("\u2219 Interrupting the run..."), err);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * The proxy signs whatever reaches it, so no web page may reach it: cross-origin requests are
   * refused unless --allow-origin names the origin, Host must be localhost or an IP (DNS rebinding),
   * and no response says Access-Control-Allow-Origin: *.
   */
  @Test
  void proxyRefusesWebPagesAndForeignHosts() throws Exception {
    Process proxy =
        cli.start("backend.ai", "proxy", "-p", "0", "--allow-origin", "http://app.example:3000");
    try {
      BufferedReader err =
          new BufferedReader(new InputStreamReader(proxy.getErrorStream(), StandardCharsets.UTF_8));
      String line = err.readLine();
      Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
      assertTrue(m.find(), String.valueOf(line));
      int port = Integer.parseInt(m.group(1));
      String here = "127.0.0.1:" + port;

      List<String> plain = rawHead(port, "GET / HTTP/1.1\r\nHost: " + here + "\r\n\r\n");
      assertTrue(plain.get(0).contains(" 200 "), plain.toString());
      assertTrue(
          plain.stream().noneMatch(h -> h.toLowerCase().startsWith("access-control-allow-origin")),
          plain.toString());
      assertTrue(rawHead(port, "GET / HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n")
          .get(0)
          .contains(" 200 "));

      String evilBody = "{\"name\":\"evil-sess\",\"image\":\"python\"}";
      String evilPost = "POST /session HTTP/1.1\r\nHost: " + here
          + "\r\nOrigin: http://evil.example\r\n" + "Content-Type: text/plain\r\nContent-Length: "
          + evilBody.length() + "\r\n\r\n" + evilBody;
      List<String> refused = rawHead(port, evilPost);
      assertTrue(refused.get(0).contains(" 403 "), refused.toString());
      assertTrue(refused.contains("Content-Type: application/problem+json"), refused.toString());
      assertTrue(
          cli.cli("ps", "--output", "json").stdout().indexOf("evil-sess") < 0,
          "the refused request ran");

      assertTrue(
          rawHead(port, "GET / HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n\r\n")
              .get(0)
              .contains(" 403 "),
          "a rebound DNS name was served");
      assertTrue(rawHead(
              port, "GET / HTTP/1.1\r\nHost: " + here + "\r\nSec-Fetch-Site: cross-site\r\n\r\n")
          .get(0)
          .contains(" 403 "));

      List<String> allowed = rawHead(
          port, "GET / HTTP/1.1\r\nHost: " + here + "\r\nOrigin: http://app.example:3000\r\n\r\n");
      assertTrue(allowed.get(0).contains(" 200 "), allowed.toString());
      assertTrue(
          allowed.contains("Access-Control-Allow-Origin: http://app.example:3000"),
          allowed.toString());
      List<String> preflight = rawHead(
          port,
          "OPTIONS /session HTTP/1.1\r\nHost: " + here
              + "\r\nOrigin: http://app.example:3000\r\nAccess-Control-Request-Method: POST\r\n\r\n");
      assertTrue(preflight.get(0).contains(" 204 "), preflight.toString());
      assertTrue(
          preflight.contains("Access-Control-Allow-Origin: http://app.example:3000"),
          preflight.toString());
      assertTrue(rawHead(
              port,
              "OPTIONS /session HTTP/1.1\r\nHost: " + here
                  + "\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n")
          .get(0)
          .contains(" 403 "));
    } finally {
      proxy.destroy();
      proxy.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** Sends raw bytes to the proxy and returns the status line and header lines of its answer. */
  private static List<String> rawHead(int port, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      List<String> head = new ArrayList<>();
      String l;
      while ((l = in.readLine()) != null && !l.isEmpty()) {
        head.add(l);
      }
      assertFalse(head.isEmpty(), "no answer to " + request);
      return head;
    }
  }

  /** A machine without a runtime's toolchain: one line that names the Debian package to install. */
  @Test
  void anImageWhoseToolchainIsMissingNamesTheDebianPackage(@TempDir Path emptySearchPath)
      throws Exception {
    try (LocalServer bare = LocalServer.builder()
        .port(0)
        .accessKey(CliServerExtension.ACCESS_KEY)
        .secretKey(CliServerExtension.SECRET_KEY)
        .engine(ProcessExecutionEngine.create(emptySearchPath.toString()))
        .start()) {
      Launcher l = new Launcher()
          .env("BACKEND_ENDPOINT", bare.uri().toString())
          .env("BACKEND_ACCESS_KEY", CliServerExtension.ACCESS_KEY)
          .env("BACKEND_SECRET_KEY", CliServerExtension.SECRET_KEY);
      Launcher.Result r = l.cli("run", "--rm", "lua5", "-c", "print(1)");
      assertEquals(65, r.exitCode(), r.toString());
      assertOneLineError(r);
      assertTrue(
          r.stderr().contains("lua5.4") && r.stderr().contains("apt-get install lua5.4"),
          r.toString());
    }
  }

  static void writeSeedFiles(Path dir) throws Exception {
    Files.writeString(dir.resolve("main.c"), MAIN_C);
    Files.writeString(dir.resolve("mylib.c"), MYLIB_C);
    Files.writeString(dir.resolve("mylib.h"), MYLIB_H);
  }
}
