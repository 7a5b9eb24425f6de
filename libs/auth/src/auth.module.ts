import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './guard';
import { authConfigFromEnv, TokenVerifier } from './verifier';

/** Makes every route of the service require a verified JWT (see AuthGuard). */
@Global()
@Module({
  providers: [
    { provide: TokenVerifier, useFactory: () => new TokenVerifier(authConfigFromEnv()) },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
