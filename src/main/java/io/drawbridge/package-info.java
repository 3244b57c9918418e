/**
 * The gateway's bootstrap and its shared words. {@code Drawbridge} is {@code main()}, {@code Gateway} wires the
 * stages together; {@link io.drawbridge.Reason}, {@link io.drawbridge.Outcome}, {@link io.drawbridge.ExchangeKeys}
 * and {@link io.drawbridge.EndpointOption} are the vocabulary every stage shares, kept here so that no stage
 * depends on another only for a word. The stages' packages must not form a cycle ({@code ArchitectureTest}).
 */
package io.drawbridge;
