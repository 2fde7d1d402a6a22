package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.VFolderFile;
import ai.backend.client.VFolderInfo;
import ai.backend.client.VFolderInvitation;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.UnsupportedFeatureException;
import ai.backend.client.internal.files.RemotePaths;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Virtual-folder management calls per {@link Dialect} (spec §9.1 for v4, §9.2 for current servers):
 * routes, bodies and the parsing of their answers. Transfers are in {@link VFolderTransfers}.
 */
public final class VFolderWire {
  /** Folder names (spec §9). */
  public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$");

  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$");

  private VFolderWire() {}

  /** {@code folders/<name>[/<action>]}, the name percent-encoded. */
  static String path(String name, String action) {
    String p = "folders/" + UriBuilder.segment(requireRef(name));
    return action == null ? p : p + "/" + action;
  }

  private static String requireRef(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidArgumentException("a folder name is required");
    }
    return name;
  }

  /** Whether the reference is a folder id rather than a name. */
  public static boolean looksLikeId(String ref) {
    return UUID_TEXT.matcher(ref).matches();
  }

  /** A folder path as the API takes it; an escaping one is refused before anything is sent. */
  static String folderPath(String path) {
    try {
      return RemotePaths.normalize(path);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    }
  }

  static void require(boolean supported, Dialect d, String what, ApiVersion since) {
    if (!supported) {
      throw new UnsupportedFeatureException(
          what + " needs API " + since + " or newer; the server speaks " + d.version());
    }
  }

  /** The trash bin ({@code purge}, restore, delete-from-trash) exists since v8.20240315. */
  public static boolean hasTrash(Dialect d) {
    return d.version().isAtLeast(ApiVersion.V8_20240315);
  }

  // --- folders ---------------------------------------------------------------------------------

  public static Endpoint<VFolderInfo> create(Dialect d, String name, String host) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
          "invalid folder name '" + name + "': letters, digits, '.', '_' and '-', starting and"
              + " ending with a letter or digit");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (host != null) {
      body.put("host", host);
    }
    if (!d.isLegacyKernelApi()) {
      body.put("usage_mode", "general");
      body.put("permission", "rw");
      body.put("cloneable", false);
    }
    return new Endpoint<>(ApiRequest.postJson("folders", body), r -> info(jsonObject(r)));
  }

  public static Endpoint<List<VFolderInfo>> list(Dialect d) {
    return new Endpoint<>(ApiRequest.get("folders"), r -> {
      JsonElement e = Handlers.json().handle(r);
      JsonArray items = e.isJsonArray()
          ? e.getAsJsonArray()
          : e.isJsonObject() && e.getAsJsonObject().get("items") instanceof JsonArray a ? a : null;
      if (items == null) {
        throw new JsonParseException("the folder list is not an array");
      }
      List<VFolderInfo> out = new ArrayList<>();
      for (JsonElement i : items) {
        out.add(info(object(i, "a folder list item")));
      }
      return List.copyOf(out);
    });
  }

  public static Endpoint<VFolderInfo> info(Dialect d, String name) {
    return new Endpoint<>(ApiRequest.get(path(name, null)), r -> info(jsonObject(r)));
  }

  /** {@code GET /folders/_/id}: the id of a folder name (name in the query and, for old servers, the body). */
  public static Endpoint<String> resolveId(Dialect d, String name) {
    ApiRequest.Builder b =
        ApiRequest.builder("GET", "folders/_/id").query("name", requireRef(name));
    b.jsonBody(Map.of("name", name)); // pydantic handlers read the body even on GET (spec §13)
    return new Endpoint<>(b.build(), r -> {
      String id = Json.string(jsonObject(r), "id");
      if (id == null) {
        throw new JsonParseException("no id in the answer");
      }
      return id;
    });
  }

  /** {@code DELETE /folders/<name>}: deletes (v4) or moves to the trash (v8.20240315+). */
  public static Endpoint<Void> delete(Dialect d, String name) {
    return new Endpoint<>(
        ApiRequest.builder("DELETE", path(name, null)).build(), Handlers.discard());
  }

  /** @throws UnsupportedFeatureException before v8.20240315 */
  public static void requireTrash(Dialect d) {
    require(hasTrash(d), d, "the trash bin", ApiVersion.V8_20240315);
  }

  /** {@code POST /folders/purge|restore-from-trash-bin|delete-from-trash-bin} with the folder id. */
  public static Endpoint<Void> trash(Dialect d, String action, String id) {
    requireTrash(d);
    return new Endpoint<>(
        ApiRequest.builder("POST", "folders/" + action)
            .jsonBody(Map.of("id", id))
            .build(),
        Handlers.discard());
  }

  public static Endpoint<Void> rename(Dialect d, String name, String newName) {
    require(!d.isLegacyKernelApi(), d, "renaming a folder", ApiVersion.V5_20191215);
    if (newName == null || !NAME.matcher(newName).matches()) {
      throw new InvalidArgumentException("invalid folder name '" + newName + "'");
    }
    return new Endpoint<>(
        ApiRequest.builder("POST", path(name, "rename"))
            .jsonBody(Map.of("new_name", newName))
            .build(),
        Handlers.discard());
  }

  // --- files -----------------------------------------------------------------------------------

  /** Creates a directory and its parents; an existing one is fine. */
  public static Endpoint<Void> mkdir(Dialect d, String name, String dir) {
    String p = folderPath(dir);
    if (p.equals(".")) {
      throw new InvalidArgumentException("mkdir needs a directory path");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("path", p);
    if (!d.isLegacyKernelApi()) {
      body.put("parents", true);
      body.put("exist_ok", true);
    }
    return new Endpoint<>(
        ApiRequest.builder("POST", path(name, "mkdir"))
            .jsonBody(body)
            .idempotent(true)
            .build(),
        Handlers.discard());
  }

  public static Endpoint<List<VFolderFile>> ls(Dialect d, String name, String dir) {
    String p = folderPath(dir);
    ApiRequest.Builder b = ApiRequest.builder("GET", path(name, "files")).query("path", p);
    if (d.getParamsInBody()) {
      b.jsonBody(Map.of("path", p));
    }
    return new Endpoint<>(b.build(), r -> files(jsonObject(r)));
  }

  public static Endpoint<Void> rm(Dialect d, String name, List<String> paths, boolean recursive) {
    if (paths == null || paths.isEmpty()) {
      throw new InvalidArgumentException("no files to delete");
    }
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      String n = folderPath(p);
      if (n.equals(".")) {
        throw new InvalidArgumentException(
            "refusing to delete the folder's root; delete the folder");
      }
      files.add(n);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("files", files);
    body.put("recursive", recursive);
    String action = d.isLegacyKernelApi() ? "delete_files" : "delete-files";
    return new Endpoint<>(
        ApiRequest.builder("DELETE", path(name, action)).jsonBody(body).build(),
        Handlers.discard());
  }

  public static Endpoint<Void> mv(Dialect d, String name, String src, String dst) {
    require(!d.isLegacyKernelApi(), d, "moving files in a folder", ApiVersion.V5_20191215);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("src", folderPath(src));
    body.put("dst", folderPath(dst));
    return new Endpoint<>(
        ApiRequest.builder("POST", path(name, "move-file")).jsonBody(body).build(),
        Handlers.discard());
  }

  // --- invitations -----------------------------------------------------------------------------

  public static Endpoint<List<String>> invite(
      Dialect d, String name, String permission, List<String> users) {
    if (permission == null || !List.of("ro", "rw", "wd", "rd").contains(permission)) {
      throw new InvalidArgumentException("permission must be ro, rw or wd: " + permission);
    }
    if (users == null || users.isEmpty()) {
      throw new InvalidArgumentException("no one to invite");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("perm", permission);
    body.put("user_ids", List.copyOf(users));
    return new Endpoint<>(ApiRequest.postJson(path(name, "invite"), body), r -> {
      JsonElement ids = jsonObject(r).get("invited_ids");
      List<String> out = new ArrayList<>();
      if (ids != null && ids.isJsonArray()) {
        ids.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
      }
      return List.copyOf(out);
    });
  }

  public static Endpoint<List<VFolderInvitation>> invitations(Dialect d) {
    return new Endpoint<>(ApiRequest.get("folders/invitations/list"), r -> {
      JsonElement list = jsonObject(r).get("invitations");
      List<VFolderInvitation> out = new ArrayList<>();
      if (list != null && list.isJsonArray()) {
        for (JsonElement e : list.getAsJsonArray()) {
          JsonObject o = object(e, "an invitation");
          JsonObject vf = o.get("vfolder") instanceof JsonObject v ? v : null;
          out.add(new VFolderInvitation(
              str(o, "id"),
              str(o, "inviter"),
              str(o, "perm", "permission"),
              str(o, "state"),
              str(o, "created_at"),
              str(o, "vfolder_id", "vfolder"),
              vf != null ? str(vf, "name") : str(o, "vfolder_name")));
        }
      }
      return List.copyOf(out);
    });
  }

  /** Accepts; v4 servers also want the invitee's access key ({@code inv_ak}). */
  public static Endpoint<Void> accept(Dialect d, String invitationId, String accessKey) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("inv_id", requireId(invitationId));
    if (d.isLegacyKernelApi() && accessKey != null) {
      body.put("inv_ak", accessKey);
    }
    return new Endpoint<>(
        ApiRequest.postJson("folders/invitations/accept", body), Handlers.discard());
  }

  public static Endpoint<Void> reject(Dialect d, String invitationId) {
    return new Endpoint<>(
        ApiRequest.builder("DELETE", "folders/invitations/delete")
            .jsonBody(Map.of("inv_id", requireId(invitationId)))
            .build(),
        Handlers.discard());
  }

  private static String requireId(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidArgumentException("an invitation id is required");
    }
    return id;
  }

  // --- parsing ---------------------------------------------------------------------------------

  static JsonObject jsonObject(ai.backend.client.port.HttpResponse r) throws java.io.IOException {
    return Json.parseObject(Handlers.readBody(r));
  }

  private static JsonObject object(JsonElement e, String what) {
    if (e == null || !e.isJsonObject()) {
      throw new JsonParseException(what + " is not an object: " + e);
    }
    return e.getAsJsonObject();
  }

  @SuppressWarnings("unchecked")
  static VFolderInfo info(JsonObject o) {
    JsonElement owner = o.get("is_owner");
    return new VFolderInfo(
        str(o, "name"),
        str(o, "id"),
        str(o, "host"),
        str(o, "permission"),
        owner != null && owner.isJsonPrimitive() && owner.getAsBoolean(),
        str(o, "status"),
        str(o, "usage_mode"),
        num(o, "num_files", "numFiles"),
        num(o, "used_bytes"),
        str(o, "created_at", "created"),
        (Map<String, Object>) Json.toPlain(o));
  }

  /** v4: {@code {"files": "<JSON string>"}} with {@code filename}; current: {@code {"items": [...]}}. */
  static List<VFolderFile> files(JsonObject o) {
    JsonElement f = o.get("items");
    if (f == null) {
      f = o.get("files");
      if (f != null && f.isJsonPrimitive()) {
        f = Json.parse(f.getAsString()); // v4 sends the list as a JSON string
      }
    }
    if (f == null || !f.isJsonArray()) {
      throw new JsonParseException("no file list in the answer");
    }
    List<VFolderFile> out = new ArrayList<>();
    for (JsonElement e : f.getAsJsonArray()) {
      JsonObject i = object(e, "a file entry");
      String mode = str(i, "mode");
      String type = str(i, "type");
      boolean dir = type != null
          ? type.equalsIgnoreCase("DIRECTORY") || type.equalsIgnoreCase("dir")
          : isDirectoryMode(mode);
      Long size = num(i, "size");
      out.add(new VFolderFile(
          str(i, "name", "filename"),
          dir,
          size == null ? 0 : size,
          mode,
          str(i, "modified", "mtime")));
    }
    return List.copyOf(out);
  }

  /** {@code drwxr-xr-x}, or a numeric {@code st_mode} with S_IFDIR. */
  static boolean isDirectoryMode(String mode) {
    if (mode == null || mode.isEmpty()) {
      return false;
    }
    if (mode.charAt(0) == 'd') {
      return true;
    }
    try {
      long m = mode.startsWith("0o") ? Long.parseLong(mode.substring(2), 8) : Long.parseLong(mode);
      return (m & 0170000) == 0040000;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String str(JsonObject o, String... names) {
    for (String n : names) {
      String v = Json.string(o, n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Long num(JsonObject o, String... names) {
    for (String n : names) {
      JsonElement e = o.get(n);
      if (e != null && !e.isJsonNull()) {
        return Json.longValue(e, n);
      }
    }
    return null;
  }
}
