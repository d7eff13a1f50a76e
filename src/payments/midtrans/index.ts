export { createMidtransGateway, midtransHosts, snapTransactionBody } from './client.ts';
export type { MidtransEnvironment, MidtransGatewayOptions } from './client.ts';
export { notificationSignature, verifySignature } from './signature.ts';
export { mapTransactionStatus, parseGrossAmount, parseMidtransTime } from './status-map.ts';
export { readTransactionState } from './transaction-state.ts';
