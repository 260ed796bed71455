import { Given } from '@cucumber/cucumber';

Given('nothing', function () {});
