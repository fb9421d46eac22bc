import 'reflect-metadata';
import { PRODUCT_NAME, VERSION } from '@ccs/core';

// Placeholder entry; the nest-commander CLI replaces it (issue #2, CLI shell).
process.stdout.write(`${PRODUCT_NAME} ${VERSION}\n`);
