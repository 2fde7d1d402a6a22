/**
 * The execution engine of the local server: runs compute sessions ("kernels") as local processes.
 * The HTTP layer ({@code ai.backend.local.http}) only talks to the types of this package.
 */
package ai.backend.local.engine;
