import { describeAccessibility } from './accessibility-suite';

describeAccessibility('dark');
