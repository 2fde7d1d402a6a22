package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.ServerException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    Term term = new Term(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        false);
    return Main.run(args, term);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rootHelpListsEveryCommand() {
    assertEquals(0, run("--help"));
    for (Commands.Entry e : Commands.ALL) {
      assertTrue(out().contains("  " + e.name()), e.name() + " missing from\n" + out());
    }
  }

  @Test
  void rootHelpListsEachCommandWithTheFirstLineOfItsOwnHelp() {
    assertEquals(0, run("--help"));
    String listing = out().replaceAll("\\s+", " ");
    CommandLine all = Main.commandLine(new Cli(
        new Term(
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false),
        "backend.ai"));
    assertEquals(
        Commands.ALL.size(), all.getSubcommands().values().stream().distinct().count());
    for (Commands.Entry e : Commands.ALL) {
      String first =
          all.getSubcommands().get(e.name()).getCommandSpec().usageMessage().description()[0];
      assertEquals(first, e.summary(), e.name());
      String names = String.join(
          ", ",
          java.util.stream.Stream.concat(java.util.stream.Stream.of(e.name()), e.aliases().stream())
              .toList());
      assertTrue(
          listing.contains(" " + names + " " + first + " "),
          e.name() + ": " + first + " not in\n" + out());
    }
  }

  @Test
  void everyCommandHasHelp() {
    for (Commands.Entry e : Commands.ALL) {
      assertEquals(0, run(e.name(), "--help"), e.name() + ": " + err());
      assertTrue(out().startsWith("Usage: backend.ai " + e.name()), out());
    }
    assertEquals(0, run("local", "start", "--help"));
    assertEquals(0, run("admin", "query", "--help"));
    assertEquals(0, run("rm", "--help"));
  }

  @Test
  void usageErrorsExitWith2AndOneLine() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err().startsWith("\u2718 Unmatched argument"), err());
    assertEquals(2, run("run"));
    assertEquals(2, run("run", "python"));
    assertEquals("\u2718 provide the code with -c CODE or the FILES to run\n", err());
    assertEquals(2, run("run", "python", "-c", "1", "x.py"));
    assertEquals(2, run("ps", "--limit", "many"));
    assertEquals(2, run());
  }

  @Test
  void invalidSessionNameIsAUsageError() {
    assertEquals(2, run("run", "-t", "a", "python", "-c", "1"));
    assertTrue(err().contains("invalid session name"), err());
  }

  @Test
  void missingFileIsNotFoundBeforeAnyServerIsContacted() {
    assertEquals(66, run("run", "c", "no-such-file.c"));
    assertEquals("\u2718 file not found: no-such-file.c\n", err());
  }

  @Test
  void outputOptionIsAcceptedBeforeAndAfterTheCommand() {
    assertEquals(0, run("--output", "json", "completion", "--help"));
    assertEquals(0, run("completion", "--output", "json", "--help"));
    assertEquals("", Main.invokedCommand(new String[] {"--output", "json"}));
    assertEquals("ps", Main.invokedCommand(new String[] {"--output", "json", "ps"}));
    assertEquals("ps", Main.invokedCommand(new String[] {"-v", "ps", "--all"}));
  }

  @Test
  void completionScriptCoversCommands() {
    assertEquals(0, run("completion", "bash"));
    assertTrue(out().contains("terminate"), out());
    assertEquals(0, run("completion", "zsh"));
    assertTrue(out().contains("bashcompinit"), out());
  }

  @Test
  void exitCodesAreDistinct() {
    Set<Integer> seen = new HashSet<>();
    for (ExitCode c : ExitCode.table()) {
      assertTrue(seen.add(c.code), "duplicate " + c.code);
    }
  }

  @Test
  void exceptionsMapToTheirCodes() {
    assertEquals(ExitCode.CONFIG, ExitCode.of(new ConfigurationException("x")));
    assertEquals(ExitCode.USAGE, ExitCode.of(new InvalidArgumentException("x")));
    assertEquals(ExitCode.UNAVAILABLE, ExitCode.of(new BackendIoException("x")));
    assertEquals(ExitCode.AUTH, ExitCode.of(new AuthenticationException("x", details(401))));
    assertEquals(ExitCode.NOT_FOUND, ExitCode.of(new NotFoundException("x", details(404))));
    assertEquals(ExitCode.SERVER_ERROR, ExitCode.of(new ServerException("x", details(500))));
    assertEquals(ExitCode.REJECTED, ExitCode.of(new BackendApiException("x", details(409))));
    assertEquals(ExitCode.AUTH, ExitCode.of(new BackendApiException("x", details(403))));
    assertEquals(ExitCode.INTERNAL, ExitCode.of(new IllegalStateException("x")));
    assertEquals(
        ExitCode.REJECTED,
        ExitCode.of(new ai.backend.client.errors.UnsupportedFeatureException("x")));
    assertEquals(
        ExitCode.FAILURE,
        ExitCode.of(new ai.backend.client.errors.TransferVerificationException("x")));
  }

  @Test
  void internalErrorsPrintOneLineWithoutStackTrace() {
    Cli cli = new Cli(
        new Term(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false),
        "backend.ai");
    assertEquals(70, Main.report(cli, new IllegalStateException("boom")));
    assertEquals(1, err().lines().count(), err());
    assertFalse(err().contains("\tat "), err());
  }

  @Test
  void aResponseThatIsNotTheApisIsNamedNotCalledAnInternalError() {
    Cli cli = new Cli(
        new Term(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false),
        "backend.ai");
    String m =
        "the server at http://127.0.0.1:8080 answered GET /session/s with an HTML page (status 200, "
            + "text/html), not Backend.AI JSON — is BACKEND_ENDPOINT the manager's API address?";
    assertEquals(70, Main.report(cli, new MalformedResponseException(m, 200, null)));
    assertEquals("\u2718 MalformedResponseException: " + m + "\n", err());
  }

  @Test
  void verboseApiErrorsDoNotRepeatTheMessage() {
    Cli cli = new Cli(
        new Term(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false),
        "backend.ai");
    cli.setVerbose(true);
    BackendApiException e = new AlreadyExistsException(
        "The session already exists but you requested a different "
            + "image. (HTTP 400, type=session-already-exists, POST /session)",
        new BackendApiException.Details(
            400,
            "https://api.backend.ai/probs/session-already-exists",
            "The session already exists but you requested " + "different image.",
            "The session already exists but you requested a different image.",
            null,
            null,
            null,
            null,
            "POST",
            "/session"));
    Main.report(cli, e);
    String[] lines = err().split("\n");
    assertEquals("\u2718 " + e.getMessage(), lines[0]);
    assertEquals("  HTTP 400 POST /session", lines[1]);
    assertEquals("  type: https://api.backend.ai/probs/session-already-exists", lines[2]);
    // then the stack trace, nothing restated before it
    assertTrue(lines[3].startsWith("ai.backend.client.errors.AlreadyExistsException: "), err());
  }

  @Test
  void tableIsInTheSimpleStyle() {
    Cli cli = new Cli(
        new Term(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false),
        "backend.ai");
    cli.printTable(
        java.util.List.of("Name", "Status"),
        java.util.List.of(java.util.List.of("abc", "RUNNING")));
    assertEquals("Name  Status\n----  -------\nabc   RUNNING\n", out());
  }

  private static BackendApiException.Details details(int status) {
    return new BackendApiException.Details(
        status, null, null, null, null, null, null, null, "GET", "/");
  }
}
