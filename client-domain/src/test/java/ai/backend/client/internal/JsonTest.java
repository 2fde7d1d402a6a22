package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Json#write} writes plain trees without Gson, exactly as the configured Gson does. */
class JsonTest {
  record Point(int x, String label) {}

  @Test
  void plainTreesAreWrittenAsGsonWritesThem() {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("status", List.of("RUNNING", "PENDING"));
    vars.put("limit", 100);
    vars.put("offset", 0L);
    vars.put("ratio", 1.5);
    vars.put("f", 2.25f);
    vars.put("big", new BigInteger("123456789012345678901234567890"));
    vars.put("dec", new BigDecimal("1.10"));
    vars.put("none", null);
    vars.put("yes", true);
    vars.put("html", "<a href='x'>&</a> \\u2028 \"quoted\" \\\\ \n\t é 😀");
    vars.put("nested", Map.of("k", Arrays.asList(1, null, "s")));
    List<Object> samples = new ArrayList<>(List.of(
        Map.of("query", "query { x }", "variables", vars),
        List.of(),
        Map.of(),
        "text",
        42,
        -0.0,
        1e300,
        List.of(List.of(List.of()))));
    samples.add(null);
    for (Object v : samples) {
      assertNotNull(Json.plainTree(v), String.valueOf(v));
      assertEquals(Json.gson().toJson(v), Json.write(v), String.valueOf(v));
    }
  }

  @Test
  void anythingElseGoesThroughGson() {
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(1, "a");
    for (Object v : List.of(
        new Point(1, "p"),
        intKeys,
        Set.of("a"),
        Map.of("p", new Point(2, "q")),
        Map.of("e", new JsonPrimitive(1)),
        'c')) {
      assertNull(Json.plainTree(v), String.valueOf(v));
      assertEquals(Json.gson().toJson(v), Json.write(v));
    }
    // non-finite numbers and bare JSON elements: whatever Gson does with them, as before
    for (Object v : List.of(
        Map.of("nan", Double.NaN),
        List.of(Double.POSITIVE_INFINITY),
        new JsonPrimitive(Double.NaN))) {
      assertEquals(
          outcome(() -> Json.gson().toJson(v)), outcome(() -> Json.write(v)), String.valueOf(v));
    }
  }

  private static String outcome(java.util.function.Supplier<String> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return e.getClass().getName();
    }
  }
}
