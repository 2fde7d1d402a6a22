package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.testsupport.RequiresToolchain;
import ai.backend.testsupport.Toolchain;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming commands through {@code bin/backend.ai} as processes: {@code run} with streaming
 * execute (output as it is produced), {@code exec} with and without a pseudo-terminal, and
 * {@code shell} driven inside a real terminal (tmux) to check the prompt, a command's output, resizing,
 * Ctrl-C going to the remote program, detaching and the restored local terminal.
 */
class CliStreamingTest {
  @RegisterExtension
  static final CliServerExtension server = new CliServerExtension();

  Launcher cli;

  @BeforeEach
  void setUp(Launcher launcher) {
    cli = launcher;
  }

  private String session(String image) throws Exception {
    String name = "st-" + UUID.randomUUID().toString().substring(0, 8);
    Launcher.Result r =
        cli.cli("run", "-t", name, image, "-c", image.equals("python") ? "pass" : "true");
    assertEquals(0, r.exitCode(), r.toString());
    return name;
  }

  @Test
  void runStreamsOutputAsItIsProduced() throws Exception {
    Process p = cli.start(
        "backend.ai",
        "run",
        "--rm",
        "python",
        "-c",
        "import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(1)");
    List<Long> arrivals = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        arrivals.add(System.nanoTime());
        lines.add(line);
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(
        0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(List.of("tick 0", "tick 1", "tick 2"), lines);
    // one line per second: the first arrives well before the last (the REST loop would batch them
    // in 2 s windows)
    long spreadMs = TimeUnit.NANOSECONDS.toMillis(arrivals.get(2) - arrivals.get(0));
    assertTrue(spreadMs > 1500, "lines arrived together (" + spreadMs + " ms apart)");
  }

  @Test
  void runAnswersInputOverTheStream() throws Exception {
    Launcher.Result r = cli.run(
        "backend.ai",
        "ada\n",
        "run",
        "--rm",
        "python",
        "-c",
        "name = input('your name? ')\nprint('hello,', name)");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("hello, ada"), r.toString());
  }

  @Test
  void execRunsOneCommandAndReturnsItsExitCode() throws Exception {
    String s = session("python");
    Launcher.Result r = cli.cli("exec", s, "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("out\n", r.stdout());
    assertTrue(r.stderr().contains("err"), r.toString());

    Launcher.Result in =
        cli.run("backend.ai", "typed\n", "exec", s, "--", "sh", "-c", "read x; echo got $x");
    assertEquals(0, in.exitCode(), in.toString());
    assertTrue(in.stdout().contains("got typed"), in.toString());

    Launcher.Result json = cli.cli("exec", "--output", "json", s, "--", "echo", "a b");
    assertEquals(0, json.exitCode(), json.toString());
    JsonObject o = JsonParser.parseString(json.stdout()).getAsJsonObject();
    assertEquals("a b\n", o.get("stdout").getAsString());
    assertEquals(0, o.get("exitCode").getAsInt());
  }

  @Test
  void execWithTtyRunsOnAPseudoTerminal() throws Exception {
    String s = session("python");
    Launcher.Result r =
        cli.cli("exec", "-t", s, "--", "sh", "-c", "test -t 0 && echo on-a-tty; exit 4");
    assertEquals(4, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("on-a-tty"), r.toString());
    // the prompt and the echo of the typed command line are not shown
    assertTrue(!r.stdout().contains("printf"), r.toString());
  }

  /** /home/work/... means the work directory in every command that takes a session path. */
  @Test
  void homeWorkPathsWorkInLsDownloadAndExecWorkdir(@TempDir Path dest) throws Exception {
    String s = session("python");
    assertEquals(
        0,
        cli.cli("exec", s, "--", "sh", "-c", "mkdir -p sub && echo inside > sub/f.txt")
            .exitCode());

    Launcher.Result ls = cli.cli("ls", s, "/home/work");
    assertEquals(0, ls.exitCode(), ls.toString());
    assertTrue(ls.stdout().contains("sub"), ls.toString());
    Launcher.Result lsSub = cli.cli("ls", s, "/home/work/sub");
    assertTrue(lsSub.stdout().contains("f.txt"), lsSub.toString());

    Launcher.Result dl = cli.cli("download", s, "/home/work/sub/f.txt", "--dest", dest.toString());
    assertEquals(0, dl.exitCode(), dl.toString());
    assertEquals("inside\n", java.nio.file.Files.readString(dest.resolve("f.txt")));

    Launcher.Result pwd = cli.cli("exec", "-w", "/home/work/sub", s, "--", "cat", "f.txt");
    assertEquals(0, pwd.exitCode(), pwd.toString());
    assertEquals("inside\n", pwd.stdout());
    Launcher.Result rel = cli.cli("exec", "--workdir", "sub", s, "--", "cat", "f.txt");
    assertEquals("inside\n", rel.stdout(), rel.toString());

    Launcher.Result outside = cli.cli("exec", "-w", "/etc", s, "--", "ls");
    assertEquals(2, outside.exitCode(), outside.toString());
    CliEndToEndTest.assertOneLineError(outside);
    Launcher.Result lsOutside = cli.cli("ls", s, "/etc");
    assertEquals(65, lsOutside.exitCode(), lsOutside.toString());
    CliEndToEndTest.assertOneLineError(lsOutside);
  }

  @Test
  void execUnknownSessionIsOneClearLine() throws Exception {
    Launcher.Result r = cli.cli("exec", "no-such-session", "--", "true");
    assertEquals(66, r.exitCode(), r.toString());
    CliEndToEndTest.assertOneLineError(r);
  }

  @Test
  void appBridgesLocalConnectionsToAServiceInTheSession() throws Exception {
    String s = session("python");
    assertEquals(
        0,
        cli.cli("exec", s, "--", "sh", "-c", "echo served-by-the-session > hello.txt")
            .exitCode());
    Process p = cli.start("backend.ai", "app", s, "http", "-b", "127.0.0.1:0");
    try {
      BufferedReader err =
          new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
      String url = null;
      String line;
      while (url == null && (line = err.readLine()) != null) {
        int at = line.indexOf("available at: ");
        if (at >= 0) {
          url = line.substring(at + "available at: ".length()).trim();
        }
      }
      assertTrue(url != null && url.startsWith("http://127.0.0.1:"), "no address printed");
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) { // several connections, each through its own tunnel
        java.net.http.HttpResponse<String> r = http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/hello.txt"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("served-by-the-session\n", r.body());
      }
    } finally {
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "app did not stop on SIGTERM");
    }
    Launcher.Result unknown = cli.cli("app", s, "no-such-service", "-b", "127.0.0.1:0");
    assertEquals(66, unknown.exitCode(), unknown.toString());
    CliEndToEndTest.assertOneLineError(unknown);
  }

  @Test
  @RequiresToolchain(Toolchain.TMUX)
  void shellInARealTerminal() throws Exception {
    String s = session("python");
    try (Tmux tmux = Tmux.start(
        cli,
        100,
        30,
        Launcher.BIN.resolve("backend.ai") + " shell " + s
            + "; echo \"[exit $?]\"; stty -a; sleep 600")) {
      tmux.await("a shell prompt", screen -> screen.contains("$ ") || screen.contains("# "));
      tmux.sendLine("echo hello-$((6*7))");
      tmux.await("the command's output", screen -> screen.contains("hello-42"));

      tmux.resize(90, 25);
      tmux.sendLine("stty size");
      tmux.await("the new size", screen -> screen.contains("25 90"));

      // Ctrl-C reaches the remote program, not the CLI: the shell survives and answers. The program
      // says when its handler is in place (its output differs from the typed line): a Ctrl-C typed
      // before it runs would reach the shell instead, and the test would race.
      tmux.sendLine(
          "sh -c 'trap \"echo got-\\$((2+3)); exit 130\" INT; printf \"%s-%s\\n\" sleep ing;"
              + " while :; do sleep 1; done'");
      tmux.await("the program in the foreground", screen -> screen.contains("sleep-ing"));
      tmux.sendKeys("C-c");
      tmux.await("Ctrl-C in the program", screen -> screen.contains("got-5"));
      tmux.sendLine("echo still-$((1+1))");
      tmux.await("the shell after Ctrl-C", screen -> screen.contains("still-2"));

      tmux.sendKeys("C-]");
      String after = tmux.await(
          "the CLI's exit", screen -> screen.contains("[exit 0]") && screen.contains("icanon"));
      String stty = after.substring(after.indexOf("[exit 0]"));
      for (String flag : List.of("icanon", "echo", "isig", "icrnl", "opost")) {
        assertTrue(
            java.util.regex.Pattern.compile("(?m)(^|\\s)" + flag + "(\\s|$)")
                .matcher(stty)
                .find(),
            flag + " not restored:\n" + after);
      }
    }
  }

  @Test
  @RequiresToolchain(Toolchain.TMUX)
  void passwordPromptIsNotEchoedInARealTerminal() throws Exception {
    String name = "pw-" + UUID.randomUUID().toString().substring(0, 8);
    try (Tmux tmux = Tmux.start(
        cli,
        100,
        30,
        Launcher.BIN.resolve("backend.ai") + " run -t " + name
            + " python -c \"import getpass; p = getpass.getpass('pw: '); print('length', len(p))\"; sleep 600")) {
      tmux.await("the password prompt", screen -> screen.contains("pw:"));
      tmux.sendLine("s3cr3t-value");
      String screen = tmux.await("the run's end", x -> x.contains("Finished. (exit code = 0)"));
      assertTrue(screen.contains("length 12"), screen);
      assertTrue(!screen.contains("s3cr3t-value"), "the password was echoed:\n" + screen);
    }
  }

  /** A private tmux server (its own socket) running one pane; killed on close. */
  static final class Tmux implements AutoCloseable {
    private final String socket = "bai-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Launcher env;

    private Tmux(Launcher env) {
      this.env = env;
    }

    static Tmux start(Launcher env, int cols, int rows, String command) throws Exception {
      Tmux t = new Tmux(env);
      t.tmux(
          "-f",
          "/dev/null",
          "new-session",
          "-d",
          "-s",
          "main",
          "-x",
          String.valueOf(cols),
          "-y",
          String.valueOf(rows),
          command);
      t.tmux("set-option", "-t", "main", "status", "off");
      return t;
    }

    void sendLine(String text) throws Exception {
      tmux("send-keys", "-t", "main", "-l", text);
      tmux("send-keys", "-t", "main", "Enter");
    }

    void sendKeys(String key) throws Exception {
      tmux("send-keys", "-t", "main", key);
    }

    void resize(int cols, int rows) throws Exception {
      tmux("resize-window", "-t", "main", "-x", String.valueOf(cols), "-y", String.valueOf(rows));
    }

    String capture() throws Exception {
      return tmux("capture-pane", "-p", "-J", "-t", "main", "-S", "-200");
    }

    String await(String what, Predicate<String> done) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String screen = "";
      while (System.nanoTime() < deadline) {
        screen = capture();
        if (done.test(screen)) {
          return screen;
        }
        Thread.sleep(50);
      }
      throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + screen);
    }

    private String tmux(String... args) throws IOException, InterruptedException {
      // default signal dispositions, as from a user's shell (see Launcher.start)
      List<String> cmd = new ArrayList<>(List.of("env", "--default-signal", "tmux", "-L", socket));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env.env());
      pb.environment().put("TERM", "xterm-256color");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    }

    @Override
    public void close() throws Exception {
      try {
        tmux("kill-server");
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
