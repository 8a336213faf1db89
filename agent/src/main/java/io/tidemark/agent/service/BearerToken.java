package io.tidemark.agent.service;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * The client side of {@link TokenAuthInterceptor}: attach with {@code
 * stub.withCallCredentials(new BearerToken(token))}. Sends {@code authorization: Bearer TOKEN}.
 */
public final class BearerToken extends CallCredentials {
  private final String token;

  public BearerToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the token must not be empty");
    }
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    headers.put(TokenAuthInterceptor.AUTHORIZATION, TokenAuthInterceptor.SCHEME + token);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
