package ai.backend.local.stream;

import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * Common life cycle of a session's stream socket: registered with the {@link StreamHub} when it
 * opens (so that session end and server stop reach it), the session held "in use" while open, and
 * {@link #release()} called exactly once when the socket goes away, whoever closes it.
 */
public abstract class StreamEndpoint
    implements org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding, StreamHandle {
  protected final StreamHub hub;
  protected final Session session;
  protected volatile WsChannel channel;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile SessionRegistry.Hold hold;

  StreamEndpoint(StreamHub hub, Session session) {
    this.hub = hub;
    this.session = session;
  }

  @Override
  public final void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session ws) {
    channel = new WsChannel(ws, hub.binaryFrames());
    hold = hub.registry().hold(session); // before registering: an end() right after must release it
    if (!hub.register(session, this)) {
      channel.close(StatusCode.NORMAL, "session terminated");
      finish();
      return;
    }
    opened();
  }

  /** The socket is open and registered: start the stream's work. */
  protected abstract void opened();

  /** Stops the stream's processes and threads; called once, after the socket closed or failed. */
  protected abstract void release();

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    try {
      finish();
    } finally {
      callback.succeed();
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    WsChannel c = channel;
    if (c != null) {
      c.close(StatusCode.SERVER_ERROR, "error");
    }
    finish();
  }

  @Override
  public void end(Reason reason) {
    WsChannel c = channel;
    if (c != null) {
      c.close(
          StatusCode.NORMAL,
          reason == Reason.SERVER_STOPPING ? "server stopping" : "session terminated");
    }
    finish();
  }

  /** Whether the socket went away (client, server or session end). */
  protected final boolean isFinished() {
    return finished.get();
  }

  protected final void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    hub.unregister(session, this);
    try {
      release();
    } finally {
      SessionRegistry.Hold h = hold;
      if (h != null) {
        h.close();
      }
    }
  }
}
