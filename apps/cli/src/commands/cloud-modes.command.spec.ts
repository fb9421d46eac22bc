import { NODE_ID_PATTERN, ValidationError } from '@ccs/core';
import { defaultNodeId, parseTags } from './cloud-modes.command';

describe('node command helpers', () => {
  it('makes a default node id from any host name that is a valid node id of at most 64 characters', () => {
    for (const host of ['ip-172-31-20-208.eu-central-1.compute.internal', 'a'.repeat(253), 'héllo wörld', '']) {
      const id = defaultNodeId(host);
      expect(id).toMatch(NODE_ID_PATTERN);
      expect(id.length).toBeLessThanOrEqual(64);
    }
    expect(defaultNodeId('web-1')).toMatch(/^web-1-[0-9a-f]{8}$/);
    expect(defaultNodeId('web-1')).not.toBe(defaultNodeId('web-1'));
  });

  it('reads k=v tags, merging repeated flags', () => {
    expect(parseTags('zone=a, gpu=no', { team: 'x' })).toEqual({ team: 'x', zone: 'a', gpu: 'no' });
    expect(() => parseTags('novalue')).toThrow(ValidationError);
  });
});
