package ai.backend.client.internal;

import ai.backend.client.port.RequestBody;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gson-based JSON helpers; the only place the domain touches Gson's configuration. */
public final class Json {
  /**
   * Immutable and thread-safe; nulls are serialised because some endpoints expect explicit nulls.
   * Created on first use: building a Gson and its reflective adapters costs a short program ~10 ms,
   * and request bodies made of maps, lists and scalars are written without it.
   */
  private static final class Holder {
    static final Gson GSON =
        new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  }

  private Json() {}

  public static Gson gson() {
    return Holder.GSON;
  }

  /** Serialises a value (Map, List, record, JsonElement…) to JSON text. */
  public static String write(Object value) {
    JsonElement tree = value instanceof JsonElement ? null : plainTree(value);
    if (tree != null) {
      // what the Gson above writes for a tree: nulls kept, no HTML escaping
      return tree.toString();
    }
    return Holder.GSON.toJson(value);
  }

  /**
   * {@code value} as a JSON tree when it is made only of string-keyed maps, lists, strings, booleans,
   * integral or finite numbers and nulls (as Gson would write it), else null: Gson handles the rest.
   */
  static JsonElement plainTree(Object value) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof String str) {
      return new JsonPrimitive(str);
    }
    if (value instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof java.math.BigInteger
        || value instanceof java.math.BigDecimal) {
      return new JsonPrimitive((Number) value);
    }
    if ((value instanceof Double || value instanceof Float)
        && Double.isFinite(((Number) value).doubleValue())) {
      return new JsonPrimitive((Number) value);
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      for (Map.Entry<?, ?> en : map.entrySet()) {
        if (!(en.getKey() instanceof String key)) {
          return null;
        }
        JsonElement v = plainTree(en.getValue());
        if (v == null) {
          return null;
        }
        o.add(key, v);
      }
      return o;
    }
    if (value instanceof List<?> list) {
      JsonArray a = new JsonArray(list.size());
      for (Object x : list) {
        JsonElement v = plainTree(x);
        if (v == null) {
          return null;
        }
        a.add(v);
      }
      return a;
    }
    return null;
  }

  /** A repeatable {@code application/json} request body. */
  public static RequestBody body(Object value) {
    return RequestBody.ofString(write(value), "application/json");
  }

  /**
   * Parses JSON text.
   *
   * @throws JsonParseException on malformed input
   */
  public static JsonElement parse(String text) {
    return JsonParser.parseString(text);
  }

  public static JsonElement parse(byte[] utf8) {
    return parse(new String(utf8, StandardCharsets.UTF_8));
  }

  /** Parses a JSON object; anything else is a {@link JsonParseException}. */
  public static JsonObject parseObject(byte[] utf8) {
    JsonElement e = parse(utf8);
    if (!e.isJsonObject()) {
      throw new JsonParseException("expected a JSON object but got " + describe(e));
    }
    return e.getAsJsonObject();
  }

  /** Converts to plain Java values: Map (insertion-ordered), List, String, Long/Double, Boolean, null. */
  public static Object toPlain(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e.isJsonObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
        m.put(en.getKey(), toPlain(en.getValue()));
      }
      return java.util.Collections.unmodifiableMap(m);
    }
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      List<Object> l = new ArrayList<>(a.size());
      for (JsonElement x : a) {
        l.add(toPlain(x));
      }
      return java.util.Collections.unmodifiableList(l);
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isNumber()) {
      String s = p.getAsString();
      if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException ignored) {
          // too large for a long: fall back to double
        }
      }
      return p.getAsDouble();
    }
    return p.getAsString();
  }

  /**
   * An integral number, or a string holding one, as a long (a fraction is truncated, as Gson's
   * getAsLong does); anything else is a {@link JsonParseException}, where getAsLong throws
   * NumberFormatException (for "abc", 1e99999) or UnsupportedOperationException (for an object).
   */
  public static long longValue(JsonElement e, String what) {
    if (e != null && e.isJsonPrimitive() && !e.getAsJsonPrimitive().isBoolean()) {
      String s = e.getAsString();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException notPlain) {
        // a fraction or an exponent, or not a number at all
      }
      try {
        double d = Double.parseDouble(s);
        if (Math.abs(d) < 0x1p63) { // false for NaN and the infinities too
          return (long) d;
        }
      } catch (NumberFormatException notANumber) {
        // reported below
      }
    }
    throw new JsonParseException(what + " is not an integer: " + e);
  }

  /** A member as string, or null when absent, null or not a primitive. */
  public static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
  }

  private static String describe(JsonElement e) {
    return e.isJsonArray() ? "an array" : e.isJsonNull() ? "null" : "a primitive";
  }
}
