package ai.backend.client.internal.stream;

import ai.backend.client.AppTunnel;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The TCP proxy of spec §8.3: binary frames both ways over {@code …/tcpproxy?app=SERVICE}. */
public final class TcpTunnel extends SocketStream implements AppTunnel {
  private final AppTunnel.Listener listener;

  private TcpTunnel(AppTunnel.Listener listener, String session) {
    super("app", session, "app tunnel");
    this.listener = listener;
  }

  /** Connects to {@code service} in session {@code name}. */
  public static CompletableFuture<AppTunnel> open(
      ApiCore core, String name, String service, AppTunnel.Listener listener) {
    String path = StreamSockets.path(core.dialect(), name, "tcpproxy");
    return connect(
            core,
            path,
            List.of(new ApiRequest.QueryParam("app", service)),
            new TcpTunnel(listener, name))
        .thenApply(t -> t);
  }

  @Override
  void onMessage(byte[] data, boolean text) {
    // text frames are not in the protocol; their bytes are passed on rather than lost
    delivery.submit(() -> listener.onData(data));
  }

  @Override
  void deliverClosed(int code, String reason) {
    listener.onClosed(code, reason);
  }

  @Override
  void deliverFailure(Throwable error) {
    listener.onFailure(error);
  }

  @Override
  public CompletableFuture<Void> send(byte[] data) {
    return sendBinary(data);
  }

  @Override
  public String toString() {
    return "AppTunnel[" + (isOpen() ? "open" : "closed") + "]";
  }
}
