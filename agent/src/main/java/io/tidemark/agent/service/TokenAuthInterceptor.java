package io.tidemark.agent.service;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Refuses every call whose {@code authorization} header is not {@code Bearer TOKEN} with {@code
 * UNAUTHENTICATED}. Both sides are hashed before a constant-time comparison, so neither the
 * content nor the length of the token leaks through timing. The client side is {@link
 * BearerToken}.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final String SCHEME = "Bearer ";

  private final byte[] expectedDigest;

  private TokenAuthInterceptor(String token) {
    this.expectedDigest = sha256(token);
  }

  /** @throws IllegalArgumentException for an empty or blank token */
  public static TokenAuthInterceptor requiring(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the token must not be empty");
    }
    return new TokenAuthInterceptor(token);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return refuse(call, "missing bearer token: pass --token");
    }
    byte[] presented = sha256(value.substring(SCHEME.length()));
    if (!MessageDigest.isEqual(presented, expectedDigest)) {
      return refuse(call, "wrong token");
    }
    return next.startCall(call, headers);
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(
      ServerCall<ReqT, RespT> call, String why) {
    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
