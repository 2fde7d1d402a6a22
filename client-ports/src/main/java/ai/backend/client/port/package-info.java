/**
 * The byte-level transport SPI of the Backend.AI client.
 *
 * <p>Adapters (java.net.http, Apache HttpClient 5) implement {@link ai.backend.client.port.HttpTransport},
 * {@link ai.backend.client.port.WebSocketConnector} and {@link ai.backend.client.port.Hmac} and register a
 * {@link ai.backend.client.port.TransportProvider} for {@link java.util.ServiceLoader} discovery. Nothing in
 * this package knows about Backend.AI's protocol: signing, retries and error mapping live in the domain.
 * This module depends on the JDK only.
 */
package ai.backend.client.port;
