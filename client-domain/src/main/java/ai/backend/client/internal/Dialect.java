package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import java.util.Objects;

/**
 * The wire dialect of one API version: URL prefixes, field names and feature switches that changed
 * between server generations (spec §13, §14.4). Obtain it with {@link #of(ApiVersion)}; a session
 * chooses it after version negotiation. Internal: the field names are wire details that may change with
 * any server generation; users see the capabilities on {@link ai.backend.client.ServerInfo}.
 */
public final class Dialect {
  private final ApiVersion version;

  private Dialect(ApiVersion version) {
    this.version = version;
  }

  public static Dialect of(ApiVersion version) {
    return new Dialect(Objects.requireNonNull(version, "version"));
  }

  public ApiVersion version() {
    return version;
  }

  /** True for the v4 line (major ≤ 4): {@code /kernel} routes, {@code clientSessionToken}. */
  public boolean isLegacyKernelApi() {
    return version.major() <= 4;
  }

  /** URL module of compute sessions: {@code kernel} (v4) or {@code session} (v5+). */
  public String sessionPrefix() {
    return isLegacyKernelApi() ? "kernel" : "session";
  }

  /** Create-request field of the user-chosen session name: {@code clientSessionToken} or {@code name}. */
  public String sessionNameField() {
    return isLegacyKernelApi() ? "clientSessionToken" : "name";
  }

  /** Create-request field of the image: {@code lang} only for v4.20181215, {@code image} since v4.20190315. */
  public String imageField() {
    return version.isAtLeast(ApiVersion.V4_20190315) ? "image" : "lang";
  }

  /** Create-response field of the server-assigned id: {@code kernelId} (v4) or {@code sessionId}. */
  public String sessionIdField() {
    return isLegacyKernelApi() ? "kernelId" : "sessionId";
  }

  /** GraphQL field of the session id in {@code ps} queries: {@code sess_id} (v4) or {@code session_id}. */
  public String graphQlSessionIdField() {
    return isLegacyKernelApi() ? "sess_id" : "session_id";
  }

  /** Resources go in {@code config.resources} (since v4.20190315) instead of {@code config.instance*}. */
  public boolean usesResourceSlots() {
    return version.isAtLeast(ApiVersion.V4_20190315);
  }

  /** GraphQL endpoint: {@code admin/gql} since v6.20210815, {@code admin/graphql} before. */
  public String graphQlPath() {
    return usesStandardGraphQl() ? "admin/gql" : "admin/graphql";
  }

  /** Whether the GraphQL endpoint answers {@code {data, errors}} (true) or the bare data (false). */
  public boolean usesStandardGraphQl() {
    return version.isAtLeast(ApiVersion.V6_20210815);
  }

  /** Whether {@code /admin/graphql} returns the data object without a {@code data} wrapper. */
  public boolean graphQlReturnsBareData() {
    return !usesStandardGraphQl();
  }

  /** {@code enqueueOnly}, {@code maxWaitSeconds}, {@code reuseIfExists}, type/domain/group on create. */
  public boolean supportsEnqueue() {
    return version.isAtLeast(ApiVersion.V4_20190615);
  }

  /** Session priority on create (v8.20240915+). */
  public boolean supportsPriority() {
    return version.isAtLeast(ApiVersion.V8_20240915);
  }

  /** The streaming-execute WebSocket is used by clients since v4.20190115. */
  public boolean supportsStreamingExecute() {
    return version.isAtLeast(ApiVersion.V4_20190115);
  }

  /** Session lifecycle events exist since v4.20190615 (19.09). */
  public boolean supportsEvents() {
    return version.isAtLeast(ApiVersion.V4_20190615);
  }

  /** SSE path of session events: {@code events/session} (v5+) or {@code stream/kernel/_/events}; null if unsupported. */
  public String eventsPath() {
    if (!supportsEvents()) {
      return null;
    }
    return isLegacyKernelApi() ? "stream/kernel/_/events" : "events/session";
  }

  /** Session file download uses {@code POST} since v8.20240915 (GET answers 400 deprecated there). */
  public boolean downloadUsesPost() {
    return version.isAtLeast(ApiVersion.V8_20240915);
  }

  /** HTTP method of session file download. */
  public String downloadMethod() {
    return downloadUsesPost() ? "POST" : "GET";
  }

  /**
   * Whether GET parameters should also travel in a JSON body: pre-24.09 servers read bodies of GET
   * requests (v4 reads nothing else), newer ones only the query string (spec §1).
   */
  public boolean getParamsInBody() {
    return !version.isAtLeast(ApiVersion.V8_20240915);
  }

  /** Vfolders are transferred through storage proxies since v6.20200815. */
  public boolean vfolderViaStorageProxy() {
    return version.isAtLeast(ApiVersion.V6_20200815);
  }

  /** Mount ids ({@code mount_ids}, {@code mount_id_map}) in the create config (v9+). */
  public boolean supportsMountIds() {
    return version.isAtLeast(ApiVersion.V9_20250722);
  }

  /** Named mount map ({@code mount_map}) in the create config (v5+). */
  public boolean supportsMountMap() {
    return version.major() >= 5;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dialect d && d.version.equals(version);
  }

  @Override
  public int hashCode() {
    return version.hashCode();
  }

  @Override
  public String toString() {
    return "Dialect[" + version + ", /" + sessionPrefix() + ", " + graphQlPath() + "]";
  }
}
