package ai.backend.local.storage;

import ai.backend.local.api.ApiCall;
import ai.backend.local.api.ApiException;
import ai.backend.local.api.Dialect;
import ai.backend.local.api.HttpReply;
import ai.backend.local.api.Problems;
import ai.backend.local.api.Router;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The manager half of folder transfers (§9.2, current dialect only; v4 had direct routes):
 * {@code POST /folders/{name}/request-upload} {@code {"path","size"}} and {@code
 * /request-download} {@code {"path","archive"}} answer {@code {"token","url"}}, the URL pointing at
 * this server's own storage-proxy endpoints ({@link StorageProxy#PREFIX}).
 *
 * <p>It lives here rather than in {@code api} because {@link FolderResolver} (the contract with the
 * folder store) throws {@code api.ApiException}: storage depends on api, so api must not depend on
 * storage (the package-cycle rule).
 */
public final class TransferApi {
  private final FolderResolver folders;
  private final StorageProxy proxy;

  public TransferApi(FolderResolver folders, StorageProxy proxy) {
    this.folders = folders;
    this.proxy = proxy;
  }

  public void register(Router r) {
    r.add("POST", "/folders/{name}/request-upload", Dialect.CURRENT, this::requestUpload);
    r.add("POST", "/folders/{name}/request-download", Dialect.CURRENT, this::requestDownload);
  }

  HttpReply requestUpload(ApiCall call) throws ApiException, IOException {
    ResolvedFolder f = folders.resolve(call.path("name"), call.accessKey());
    String path = required(call, "path");
    JsonElement s = call.params().get("size");
    long size;
    try {
      size = s == null || s.isJsonNull() ? -1 : Long.parseLong(s.getAsString().trim());
    } catch (RuntimeException e) {
      throw Problems.invalidParams("size must be a whole number of bytes.");
    }
    if (size < 0) {
      throw Problems.invalidParams("size is missing or negative.");
    }
    return answer(call, proxy.newUpload(f, call.accessKey(), path, size), "/upload");
  }

  HttpReply requestDownload(ApiCall call) throws ApiException, IOException {
    ResolvedFolder f = folders.resolve(call.path("name"), call.accessKey());
    String path = required(call, "path");
    boolean archive = call.bool(false, "archive");
    return answer(call, proxy.newDownload(f, call.accessKey(), path, archive), "/download");
  }

  private static String required(ApiCall call, String name) throws ApiException {
    String v = call.str(name);
    if (v == null) {
      throw Problems.invalidParams(name + " is missing.");
    }
    return v;
  }

  /** The URL is absolute and names the host the client reached us by, as a proxy's would. */
  private static HttpReply answer(ApiCall call, String token, String endpoint) {
    Request req = call.request();
    String host = req.getHeaders().get(HttpHeader.HOST);
    if (host == null || host.isBlank()) {
      host = Request.getServerName(req) + ":" + Request.getServerPort(req);
    }
    String scheme =
        req.getHttpURI().getScheme() == null ? "http" : req.getHttpURI().getScheme();
    JsonObject o = new JsonObject();
    o.addProperty("token", token);
    o.addProperty("url", scheme + "://" + host + StorageProxy.PREFIX + endpoint);
    return HttpReply.json(200, o);
  }
}
