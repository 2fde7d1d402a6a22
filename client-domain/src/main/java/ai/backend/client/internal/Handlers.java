package ai.backend.client.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** Common {@link ResponseHandler}s. JSON failures surface as {@code MalformedResponseException} from the core. */
public final class Handlers {
  private Handlers() {}

  /** Reads and drops the body. */
  public static ResponseHandler<Void> discard() {
    return r -> {
      r.body().transferTo(java.io.OutputStream.nullOutputStream());
      return null;
    };
  }

  public static ResponseHandler<byte[]> bytes() {
    return r -> r.body().readAllBytes();
  }

  public static ResponseHandler<String> string() {
    return r -> new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Any JSON value; an empty body gives {@code JsonNull}. */
  public static ResponseHandler<JsonElement> json() {
    return r -> {
      byte[] b = r.body().readAllBytes();
      return b.length == 0 ? com.google.gson.JsonNull.INSTANCE : Json.parse(b);
    };
  }

  /** A JSON object; anything else is malformed. */
  public static ResponseHandler<JsonObject> jsonObject() {
    return r -> Json.parseObject(r.body().readAllBytes());
  }

  /** A JSON body mapped with Gson. */
  public static <T> ResponseHandler<T> json(Type type) {
    return r -> Json.gson().fromJson(new String(r.body().readAllBytes(), StandardCharsets.UTF_8), type);
  }

  /** JSON as plain Java values (Map, List, String, Long, Double, Boolean). */
  public static ResponseHandler<Object> plain() {
    return r -> {
      byte[] b = r.body().readAllBytes();
      return b.length == 0 ? null : Json.toPlain(Json.parse(b));
    };
  }
}
