// An Incident Manager Contacts life cycle with the AWS SDK for JavaScript v3 against ssm-incidents-mock's server:
// contacts, a channel activated with its code, an escalation plan engaged, its page acknowledged, a rotation with
// an override and its shifts, tags, pagination and modeled errors.
// Usage: node contacts.mjs <endpoint-url>. The codes a person would read on a phone are asked for on stdout
// ({"ask": ..., "arn": ...}) and read from stdin, one line each. Exits non-zero when any check fails; prints a
// JSON summary last.
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { CreateReplicationSetCommand, SSMIncidentsClient } from "@aws-sdk/client-ssm-incidents";
import {
  AcceptPageCommand,
  ActivateContactChannelCommand,
  ConflictException,
  CreateContactChannelCommand,
  CreateContactCommand,
  CreateRotationCommand,
  CreateRotationOverrideCommand,
  DeleteContactCommand,
  DescribeEngagementCommand,
  DescribePageCommand,
  GetContactChannelCommand,
  GetContactCommand,
  ListPageReceiptsCommand,
  ListPagesByEngagementCommand,
  ListRotationShiftsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SSMContactsClient,
  StartEngagementCommand,
  StopEngagementCommand,
  TagResourceCommand,
  UpdateContactCommand,
  ValidationException,
  paginateListContacts,
  paginateListEngagements,
} from "@aws-sdk/client-ssm-contacts";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node contacts.mjs <endpoint-url>");
  process.exit(2);
}

const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
};
const client = new SSMContactsClient(config);
const send = (command) => client.send(command);
const prefix = "arn:aws:ssm-contacts:us-east-1:123456789012:";
const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

const stdin = createInterface({ input: process.stdin });
const answers = stdin[Symbol.asyncIterator]();
async function ask(question, arn) {
  console.log(JSON.stringify({ ask: question, arn }));
  const { value, done } = await answers.next();
  assert.ok(!done, `no answer to ${question}`);
  return value.trim();
}

async function expectError(command, errorClass, status) {
  try {
    await send(command);
  } catch (error) {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, status);
    return error;
  }
  throw new Error(`expected ${errorClass.name}`);
}

await new SSMIncidentsClient(config).send(new CreateReplicationSetCommand({ regions: { "us-east-1": {} } }));

// contacts and a channel, activated with the code sent to it
const contact = async (Alias, DisplayName, Type = "PERSONAL") =>
  (await send(new CreateContactCommand({ Alias, DisplayName, Type, Plan: { Stages: [] } }))).ContactArn;
const ana = await contact("js-ana", "Ana Carolina Silva");
const alejandro = await contact("js-ale", "Alejandro Rosalez");
assert.equal(ana, `${prefix}contact/js-ana`);

const { ContactChannelArn: channel } = await send(
  new CreateContactChannelCommand({
    ContactId: ana,
    Name: "ana sms",
    Type: "SMS",
    DeliveryAddress: { SimpleAddress: "+12065550100" },
  }),
);
assert.match(channel, new RegExp(`^${prefix}contact-channel/js-ana/${uuid}$`));
const before = await send(new GetContactChannelCommand({ ContactChannelId: channel }));
assert.equal(before.ActivationStatus, "NOT_ACTIVATED");
const code = await ask("activation_code", channel);
const wrongCode = await expectError(
  new ActivateContactChannelCommand({
    ContactChannelId: channel,
    ActivationCode: code === "000000" ? "111111" : "000000",
  }),
  ValidationException,
  400,
);
await send(new ActivateContactChannelCommand({ ContactChannelId: channel, ActivationCode: code }));
const { ActivationStatus: activation } = await send(new GetContactChannelCommand({ ContactChannelId: channel }));

// an escalation plan whose first stage reaches Ana, who is paged on her channel
const stage = (minutes, target) => ({ DurationInMinutes: minutes, Targets: [target] });
await send(
  new UpdateContactCommand({
    ContactId: ana,
    Plan: { Stages: [stage(5, { ChannelTargetInfo: { ContactChannelId: channel, RetryIntervalInMinutes: 1 } })] },
  }),
);
const escalation = (
  await send(
    new CreateContactCommand({
      Alias: "js-escalation",
      Type: "ESCALATION",
      Plan: {
        Stages: [
          stage(5, { ContactTargetInfo: { ContactId: ana, IsEssential: true } }),
          stage(0, { ContactTargetInfo: { ContactId: alejandro, IsEssential: false } }),
        ],
      },
    }),
  )
).ContactArn;
const { Plan } = await send(new GetContactCommand({ ContactId: escalation }));
assert.equal(Plan.Stages[0].Targets[0].ContactTargetInfo.IsEssential, true);

const { EngagementArn: engagement } = await send(
  new StartEngagementCommand({ ContactId: escalation, Sender: "js", Subject: "checkout down", Content: "orders fail" }),
);
assert.match(engagement, new RegExp(`^${prefix}engagement/js-escalation/${uuid}$`));
const { Pages } = await send(new ListPagesByEngagementCommand({ EngagementId: engagement }));
assert.equal(Pages.length, 1);
const page = Pages[0];
assert.match(page.PageArn, new RegExp(`^${prefix}page/js-ana/${uuid}$`));
assert.equal(page.ContactArn, ana);
assert.ok(page.SentTime instanceof Date, "SentTime is parsed as a Date");

const acceptCode = await ask("accept_code", page.PageArn);
await send(
  new AcceptPageCommand({
    PageId: page.PageArn,
    AcceptType: "READ",
    AcceptCode: acceptCode,
    AcceptCodeValidation: "ENFORCE",
  }),
);
const described = await send(new DescribePageCommand({ PageId: page.PageArn }));
assert.ok(described.ReadTime instanceof Date && described.ReadTime >= described.SentTime);
const { Receipts } = await send(new ListPageReceiptsCommand({ PageId: page.PageArn }));

await send(new StopEngagementCommand({ EngagementId: engagement, Reason: "handled" }));
const stopped = await send(new DescribeEngagementCommand({ EngagementId: engagement }));
assert.ok(stopped.StopTime instanceof Date && stopped.StopTime >= stopped.StartTime);
const engagements = [];
for await (const listed of paginateListEngagements({ client, pageSize: 1 }, {})) {
  engagements.push(...listed.Engagements.map((item) => item.EngagementArn));
  assert.ok(engagements.length <= 10, "pagination ends");
}

// a daily rotation of Ana and Alejandro, six hours of it overridden
const day = (n, hour = 0) => new Date(Date.UTC(2030, 0, n, hour));
const { RotationArn: rotation } = await send(
  new CreateRotationCommand({
    Name: "js-primary",
    ContactIds: [ana, alejandro],
    StartTime: day(1),
    TimeZoneId: "UTC",
    Recurrence: { NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: [{ HourOfDay: 0, MinuteOfHour: 0 }] },
  }),
);
assert.match(rotation, new RegExp(`^${prefix}rotation/${uuid}$`));
const { RotationOverrideId } = await send(
  new CreateRotationOverrideCommand({
    RotationId: rotation,
    NewContactIds: [alejandro],
    StartTime: day(1, 6),
    EndTime: day(1, 12),
  }),
);
assert.match(RotationOverrideId, new RegExp(`^${uuid}$`));
const { RotationShifts } = await send(
  new ListRotationShiftsCommand({ RotationId: rotation, StartTime: day(1), EndTime: day(4) }),
);
const name = { [ana]: "ana", [alejandro]: "alejandro" };
const shifts = RotationShifts.map((shift) => [
  shift.StartTime.toISOString(),
  shift.EndTime.toISOString(),
  shift.ContactIds.map((id) => name[id]).join(","),
  shift.Type,
  (shift.ShiftDetails?.OverriddenContactIds ?? []).map((id) => name[id]).join(","),
]);

await send(new TagResourceCommand({ ResourceARN: rotation, Tags: [{ Key: "team", Value: "js" }] }));
const { Tags } = await send(new ListTagsForResourceCommand({ ResourceARN: rotation }));

const aliases = [];
for await (const listed of paginateListContacts({ client, pageSize: 1 }, {})) {
  aliases.push(...listed.Contacts.map((item) => item.Alias));
  assert.ok(aliases.length <= 10, "pagination ends");
}

const missing = await expectError(
  new GetContactCommand({ ContactId: `${prefix}contact/js-nobody` }),
  ResourceNotFoundException,
  404,
);
const member = await expectError(new DeleteContactCommand({ ContactId: ana }), ConflictException, 409);
stdin.close(); // nothing more to ask: let the process end

console.log(
  JSON.stringify({
    ana,
    activation,
    pageContact: page.ContactArn,
    receipts: Receipts.map((receipt) => receipt.ReceiptType),
    engagements,
    engagement,
    shifts,
    tags: Tags,
    aliases,
    errors: {
      wrongCode: [wrongCode.name, wrongCode.Reason],
      missing: [missing.name, missing.ResourceId, missing.ResourceType],
      member: [member.name, member.DependentEntities],
    },
  }),
);
