// Integration tests start servers and wait on real HTTP: give them room (unit tests keep Jest's 5 s).
jest.setTimeout(90_000);
