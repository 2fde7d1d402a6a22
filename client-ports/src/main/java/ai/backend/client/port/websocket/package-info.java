/** A WebSocket client on the JDK's {@code java.net.http}, shared by the transport adapters. */
package ai.backend.client.port.websocket;
