package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.backend.client.ApiVersion;
import ai.backend.client.ConsoleItem;
import ai.backend.client.ExecutionResult;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.function.Consumer;

/**
 * Fuzzes the JSON response parsers of {@link ComputeSessionWire} with arbitrary bodies (each body goes
 * through every parser), above all the execute response ({@code result}: status, console items, exit code, options, files). A parser
 * either returns a value or throws what {@link ApiCore} turns into a {@code
 * MalformedResponseException} ({@link JsonParseException}, {@link IllegalStateException}, {@link
 * ClassCastException}); anything else (NumberFormatException, UnsupportedOperationException, a
 * DateTimeException...) would escape to the SDK user untyped, and is a finding.
 */
class SessionWireFuzzTest {
  private static final Dialect CURRENT = Dialect.of(ApiVersion.CLIENT_DEFAULT);
  private static final Dialect V4 = Dialect.of(ApiVersion.V4_20181215);

  @FuzzTest(maxDuration = "2m")
  void parse(byte[] body) {
    expectMalformedOrValue(body, o -> {
      ExecutionResult r = ComputeSessionWire.parseExecution(o);
      // what the run loop reads from every result
      assertNotNull(r.status());
      assertNotNull(r.stdout());
      assertNotNull(r.stderr());
      r.isPasswordInput();
      RunLoop.prompt(r);
      for (ConsoleItem item : r.console()) {
        assertNotNull(item);
      }
    });
    // the other responses of the session routes, on the same bytes
    expectMalformedOrValue(body, o -> ComputeSessionWire.parseCreated(CURRENT, o, "sent"));
    expectMalformedOrValue(body, o -> ComputeSessionWire.parseCreated(V4, o, "sent"));
    expectMalformedOrValue(body, o -> ComputeSessionWire.parseInfo("name", o));
    expectMalformedOrValueOfElement(body, ComputeSessionWire::parseDestroy);
    expectMalformedOrValueOfElement(body, ComputeSessionWire::parseCompletions);
    expectMalformedOrValue(body, ComputeSessionWire::parseLogs);
    expectMalformedOrValue(body, ComputeSessionWire::parseFiles);
  }

  /** Parses {@code body} as the handlers do (a JSON object) and runs {@code parser} on it. */
  private static void expectMalformedOrValue(byte[] body, Consumer<JsonObject> parser) {
    JsonObject o;
    try {
      o = Json.parseObject(body);
    } catch (JsonParseException | IllegalStateException e) {
      return; // not an object: malformed before any parser runs
    }
    try {
      parser.accept(o);
    } catch (JsonParseException | IllegalStateException | ClassCastException malformed) {
      // the documented outcome of a malformed response
    }
  }

  private static void expectMalformedOrValueOfElement(
      byte[] body, java.util.function.Function<JsonElement, ?> parser) {
    expectMalformedOrValue(body, o -> parser.apply(o));
  }
}
