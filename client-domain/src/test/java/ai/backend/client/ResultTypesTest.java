package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.internal.ComputeSessionWire;
import ai.backend.client.internal.Json;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.testsupport.FakeTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value types a caller reads: exit codes, destroy answers, console text, upload names. */
class ResultTypesTest {
  @Test
  void anExecTimeoutHasNoExitCodeInsteadOfANull() {
    ExecutionResult r = ComputeSessionWire.parseExecution(Json.parse(
            "{\"result\": {\"runId\": \"r\", \"status\": \"exec-timeout\", \"console\": [[\"stdout\", \"partial\"]]}}")
        .getAsJsonObject());
    assertEquals(ExecutionStatus.EXEC_TIMEOUT, r.status());
    assertEquals(OptionalInt.empty(), r.exitCode());
    assertEquals(-1, r.exitCode().orElse(-1)); // what `int c = r.exitCode()` used to NPE on
    ExecutionResult done = ComputeSessionWire.parseExecution(Json.parse(
            "{\"result\": {\"runId\": \"r\", \"status\": \"finished\", \"exitCode\": 0, \"console\": []}}")
        .getAsJsonObject());
    assertEquals(OptionalInt.of(0), done.exitCode());
    assertEquals(
        OptionalInt.empty(),
        new RunResult("r", ExecutionStatus.EXEC_TIMEOUT, "exec-timeout", null, List.of(), List.of())
            .exitCode());
  }

  @Test
  void destroyAnswersOfEachGenerationAreTyped() {
    DestroyResult v4 = ComputeSessionWire.parseDestroy(Json.parse(
        "{\"stats\": {\"cpu_used\": 120, \"mem_max_bytes\": 4096, \"net_rx_bytes\": null}}"));
    assertEquals(null, v4.status());
    assertEquals(OptionalLong.of(120), v4.metric("cpu_used"));
    assertEquals(OptionalLong.empty(), v4.metric("net_rx_bytes"));
    assertEquals(Map.of("cpu_used", 120L, "mem_max_bytes", 4096L), v4.stats());
    DestroyResult cancelled =
        ComputeSessionWire.parseDestroy(Json.parse("{\"stats\": {\"status\": \"cancelled\"}}"));
    assertTrue(cancelled.isCancelled());
    assertEquals(
        "terminated",
        ComputeSessionWire.parseDestroy(Json.parse("{\"stats\": {\"status\": \"terminated\"}}"))
            .status());
    assertEquals(
        new DestroyResult(null, Map.of()),
        ComputeSessionWire.parseDestroy(Json.parse("{\"stats\": {}}")));
    assertEquals(
        new DestroyResult(null, Map.of()), ComputeSessionWire.parseDestroy(Json.parse("{}")));
  }

  @Test
  void everyConsoleItemHasText() {
    List<ConsoleItem> items = List.of(
        new ConsoleItem.Stdout("out\n"),
        new ConsoleItem.Stderr("err\n"),
        new ConsoleItem.Html("<b>x</b>"),
        new ConsoleItem.Media("image/png", "data:image/png;base64,AAAA"),
        new ConsoleItem.Log(List.of("INFO", "hi")),
        new ConsoleItem.Other("progress", 0.5));
    assertEquals(
        List.of("out\n", "err\n", "<b>x</b>", "[image/png]", "[INFO, hi]", "0.5"),
        items.stream().map(ConsoleItem::text).toList());
    ExecutionResult r = new ExecutionResult(
        "r", ExecutionStatus.FINISHED, "finished", items, OptionalInt.of(0), null, null);
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void relativeUploadPathsAreUnderTheBaseDirectory(@TempDir Path dir) throws Exception {
    Path base = Files.createDirectories(dir.resolve("base/src"));
    Files.writeString(base.resolve("main.c"), "int main(){}");
    FakeTransport t = new FakeTransport().respond(204, null, "");
    try (Session s = KernelRequestShapesTest.session(ApiVersion.V9_20250722, t)) {
      // "main.c" is not in the working directory; it is in base
      Kernel.of(s, "sess1").upload(List.of(Path.of("main.c")), base);
      HttpRequest r = t.requests().get(0);
      try (java.io.InputStream in = r.body().openStream()) {
        assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("filename=\"main.c\"\r\n"));
      }
    }
  }
}
