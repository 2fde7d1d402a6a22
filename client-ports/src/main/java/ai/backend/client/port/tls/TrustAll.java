package ai.backend.client.port.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Insecure TLS for development clusters ({@code TransportConfig.insecureTls}), shared by the adapters:
 * accepts any certificate. Being an {@link X509ExtendedTrustManager}, JSSE does not wrap it with its own
 * endpoint identification, so the JDK clients (HTTP and WebSocket) skip the host name check too, without
 * touching the global {@code jdk.internal.httpclient.disableHostnameVerification} property. Apache
 * HttpClient checks host names itself and needs its {@code NoopHostnameVerifier} as well.
 */
public final class TrustAll extends X509ExtendedTrustManager {
  private TrustAll() {}

  /** A fresh TLS context trusting every certificate. Development only. */
  public static SSLContext context() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create an insecure TLS context", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
