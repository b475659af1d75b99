/* binder.h — being written. */
