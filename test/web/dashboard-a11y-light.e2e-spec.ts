import { describeAccessibility } from './accessibility-suite';

describeAccessibility('light');
