package ai.backend.local.stream;

import ai.backend.local.sessions.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * {@code /stream/…/{id}/tcpproxy?app=…} (spec §8.3): one TCP connection to a running app service,
 * relayed as binary frames both ways. The socket closes when the service closes the connection; a
 * refused connection closes it with 1014 (bad gateway), as v4 managers did.
 */
public final class TcpProxyEndpoint extends StreamEndpoint {
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final int port;
  private final Socket socket = new Socket();

  public TcpProxyEndpoint(StreamHub hub, Session session, int port) {
    super(hub, session);
    this.port = port;
  }

  @Override
  protected void opened() {
    try {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
      socket.setTcpNoDelay(true);
    } catch (IOException e) {
      channel.close(StatusCode.INVALID_UPSTREAM_RESPONSE, "cannot connect to the app");
      return;
    }
    Thread t = new Thread(this::downstream, "tcpproxy-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Service → client, until the service closes the connection. */
  private void downstream() {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (!channel.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buf, n)))) {
          break;
        }
      }
    } catch (IOException e) {
      // closed from our side, or reset by the service
    }
    channel.close(StatusCode.NORMAL, null);
  }

  /** Client → service. */
  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    try {
      OutputStream out = socket.getOutputStream();
      if (payload.hasArray()) {
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
      } else {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        out.write(b);
      }
      out.flush();
      callback.succeed();
    } catch (IOException e) {
      callback.succeed();
      channel.close(StatusCode.NORMAL, null);
    }
  }

  @Override
  public void onWebSocketText(String message) {
    // the relay carries bytes only; text frames have no meaning here
  }

  @Override
  protected void release() {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
