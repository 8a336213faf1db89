/**
 * Small typed JNA bindings for the Linux syscalls the engines use (fanotify, inotify, handles,
 * poll). No JNI, no C: each class binds one concern and converts errno into a typed exception.
 */
package io.tidemark.agent.linux;
