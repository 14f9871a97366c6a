// Replaced by the DynamoDB Local start-up (issue 3).
export default function globalSetup(): void {}
