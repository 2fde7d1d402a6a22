/**
 * The execution engine of the local server: runs compute sessions ("kernels") as local processes.
 * The HTTP layer ({@code ai.backend.local.api}, {@code ai.backend.local.stream}) and the session
 * registry ({@code ai.backend.local.sessions}) only talk to the public types of this package.
 */
package ai.backend.local.engine;
