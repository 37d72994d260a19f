// An Incident Manager lifecycle with the AWS SDK for JavaScript v3 against ssm-incidents-mock's server.
// Usage: node lifecycle.mjs <endpoint-url>. Exits non-zero when any check fails; prints a JSON summary last.
import assert from "node:assert/strict";
import {
  CreateReplicationSetCommand,
  CreateResponsePlanCommand,
  CreateTimelineEventCommand,
  GetIncidentRecordCommand,
  ListIncidentRecordsCommand,
  ListRelatedItemsCommand,
  ListTagsForResourceCommand,
  ListTimelineEventsCommand,
  ResourceNotFoundException,
  SSMIncidentsClient,
  StartIncidentCommand,
  TagResourceCommand,
  UpdateIncidentRecordCommand,
  UpdateRelatedItemsCommand,
  ValidationException,
  paginateListIncidentRecords,
} from "@aws-sdk/client-ssm-incidents";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node lifecycle.mjs <endpoint-url>");
  process.exit(2);
}

const client = new SSMIncidentsClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
});
const send = (command) => client.send(command);

async function expectError(command, errorClass, status, fragment) {
  try {
    await send(command);
  } catch (error) {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, status);
    assert.ok(error.message.includes(fragment), `${fragment} not in ${error.message}`);
    return error.name;
  }
  throw new Error(`expected ${errorClass.name}`);
}

const { arn: replicationSetArn } = await send(new CreateReplicationSetCommand({ regions: { "us-east-1": {} } }));
assert.match(replicationSetArn, /^arn:aws:ssm-incidents::123456789012:replication-set\//);

const { arn: planArn } = await send(
  new CreateResponsePlanCommand({ name: "js-plan", incidentTemplate: { title: "js", impact: 3 } }),
);
assert.equal(planArn, "arn:aws:ssm-incidents::123456789012:response-plan/js-plan");

const arns = [];
for (const i of [0, 1, 2]) {
  const { incidentRecordArn } = await send(new StartIncidentCommand({ responsePlanArn: planArn, title: `js-${i}` }));
  arns.push(incidentRecordArn);
}
const first = arns[0];

await send(new UpdateIncidentRecordCommand({ arn: first, title: "renamed", impact: 2, status: "RESOLVED" }));
const { incidentRecord } = await send(new GetIncidentRecordCommand({ arn: first }));
assert.equal(incidentRecord.title, "renamed");
assert.equal(incidentRecord.impact, 2);
assert.equal(incidentRecord.status, "RESOLVED");
assert.ok(incidentRecord.resolvedTime instanceof Date, "resolvedTime is parsed as a Date");
assert.ok(incidentRecord.creationTime instanceof Date, "creationTime is parsed as a Date");

const eventTime = new Date("2024-01-01T00:00:00Z");
const { eventId } = await send(
  new CreateTimelineEventCommand({
    incidentRecordArn: first,
    eventTime,
    eventType: "Custom Event",
    eventData: JSON.stringify("from JavaScript"),
  }),
);
const { eventSummaries } = await send(new ListTimelineEventsCommand({ incidentRecordArn: first }));
const ours = eventSummaries.find((event) => event.eventId === eventId);
assert.ok(ours, "the new event is listed");
assert.equal(ours.eventTime.getTime(), eventTime.getTime());

const identifier = { type: "OTHER", value: { url: "https://example.com/runbook" } };
await send(
  new UpdateRelatedItemsCommand({
    incidentRecordArn: first,
    relatedItemsUpdate: { itemToAdd: { identifier, title: "runbook" } },
  }),
);
const { relatedItems } = await send(new ListRelatedItemsCommand({ incidentRecordArn: first }));
const runbook = relatedItems.find((item) => item.title === "runbook");
assert.deepEqual(runbook.identifier, identifier);

await send(new TagResourceCommand({ resourceArn: first, tags: { team: "js", env: "test" } }));
const { tags } = await send(new ListTagsForResourceCommand({ resourceArn: first }));
assert.deepEqual(tags, { team: "js", env: "test" });

const { incidentRecordSummaries: resolved } = await send(
  new ListIncidentRecordsCommand({
    filters: [{ key: "status", condition: { equals: { stringValues: ["RESOLVED"] } } }],
  }),
);
assert.deepEqual(
  resolved.map((summary) => summary.arn),
  [first],
);

const firstPage = await send(new ListIncidentRecordsCommand({ maxResults: 1 }));
assert.equal(firstPage.incidentRecordSummaries.length, 1);
assert.ok(firstPage.nextToken, "a first page of one has a nextToken");
const paged = [];
let pages = 0;
for await (const page of paginateListIncidentRecords({ client, pageSize: 1 }, {})) {
  pages += 1;
  paged.push(...page.incidentRecordSummaries.map((summary) => summary.arn));
  assert.ok(pages <= 10, "pagination ends");
}
assert.deepEqual([...paged].sort(), [...arns].sort());

const notFound = await expectError(
  new GetIncidentRecordCommand({ arn: "arn:aws:ssm-incidents::123456789012:incident-record/js-plan/missing" }),
  ResourceNotFoundException,
  404,
  "incident-record/js-plan/missing",
);
const invalid = await expectError(
  new UpdateIncidentRecordCommand({ arn: first, impact: 9 }),
  ValidationException,
  400,
  "Value '9' at 'impact'",
);

console.log(
  JSON.stringify({
    replicationSetArn,
    planArn,
    incidents: arns,
    resolved: resolved.map((summary) => summary.arn),
    pages,
    tags,
    errors: [notFound, invalid],
  }),
);
