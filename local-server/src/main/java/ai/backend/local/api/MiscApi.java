package ai.backend.local.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** {@code GET /} (version announcement) and the {@code /auth} credential probe. */
public final class MiscApi {
  private final String announcedVersion;
  private final String managerVersion;

  public MiscApi(String announcedVersion, String managerVersion) {
    this.announcedVersion = announcedVersion;
    this.managerVersion = managerVersion;
  }

  public void register(Router r) {
    r.addPublic("GET", "/", this::hello);
    for (String p : new String[] {"/auth", "/auth/test"}) {
      r.add("GET", p, null, this::authTest);
      r.add("POST", p, null, this::authTest);
    }
  }

  HttpReply hello(ApiCall call) {
    JsonObject o = new JsonObject();
    o.addProperty("version", announcedVersion);
    o.addProperty("manager", managerVersion);
    return HttpReply.json(200, o);
  }

  HttpReply authTest(ApiCall call) throws ApiException {
    JsonObject o = new JsonObject();
    o.addProperty("authorized", "yes");
    JsonElement echo = call.params().get("echo");
    if (echo != null) {
      o.add("echo", echo);
    }
    return HttpReply.json(200, o);
  }
}
