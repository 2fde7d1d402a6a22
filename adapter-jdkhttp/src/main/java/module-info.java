/** The transport on the JDK's {@code java.net.http}: no dependency beyond the JDK. */
module ai.backend.client.transport.jdk {
  requires ai.backend.client.port;

  provides ai.backend.client.port.TransportProvider with
      ai.backend.client.transport.jdk.JdkTransportProvider;
}
