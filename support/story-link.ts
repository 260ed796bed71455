import { Before } from '@cucumber/cucumber';
// Registers allure's runtime API for cucumber (its documented setup), so `link` below reaches the report.
import 'allure-cucumberjs';
import { link } from 'allure-js-commons';

/**
 * The report links each scenario to its story document: the feature's `@story:ID` tag, at STORY_BASE_URL + ID. Done
 * here rather than as allure-cucumberjs's link template, because a template that strips `@story:` would be a function,
 * and cucumber's --parallel hands its configuration to worker threads, which cannot receive functions.
 */
const storyBaseUrl = process.env.STORY_BASE_URL?.trim();

// Without STORY_BASE_URL there is nowhere to link to: no link (and no hook in the report's set-up) rather than a
// placeholder address.
if (storyBaseUrl) {
  Before({ name: 'link the scenario to its story (STORY_BASE_URL)' }, async function ({ pickle }) {
    const story = pickle.tags.map((tag) => tag.name).find((tag) => tag.startsWith('@story:'));
    if (story) await link(`${storyBaseUrl}${story.slice('@story:'.length)}`, undefined, 'story');
  });
}
